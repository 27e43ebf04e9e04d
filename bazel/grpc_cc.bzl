"""cc_grpc_library: C++ gRPC stubs from a proto_library, with the system grpc_cpp_plugin.

Debian ships no Bazel rules for gRPC, so this small rule runs protoc with the plugin
over the direct sources of one proto_library and wraps the output in a cc_library.
Generated headers are included by their import path, e.g.
  #include "google/cloud/bigquery/storage/v1/storage.grpc.pb.h"
"""

load("@rules_cc//cc:defs.bzl", "cc_library")
load("//bazel:proto_paths.bzl", "proto_import_path")

_GEN_DIR = "_grpc_gen"

def _grpc_cc_sources_impl(ctx):
    proto_info = ctx.attr.proto[ProtoInfo]
    headers = []
    sources = []
    arguments = ctx.actions.args()
    out_dir = "/".join([ctx.bin_dir.path, ctx.label.package, _GEN_DIR, ctx.label.name]).replace("//", "/")
    arguments.add("--plugin=protoc-gen-grpc=" + ctx.executable._plugin.path)
    arguments.add("--grpc_out=" + out_dir)
    arguments.add_all(proto_info.transitive_proto_path, format_each = "--proto_path=%s")
    for source in proto_info.direct_sources:
        path = proto_import_path(proto_info, source)
        arguments.add(path)
        stem = path[:-len(".proto")]
        headers.append(ctx.actions.declare_file("/".join([_GEN_DIR, ctx.label.name, stem + ".grpc.pb.h"])))
        sources.append(ctx.actions.declare_file("/".join([_GEN_DIR, ctx.label.name, stem + ".grpc.pb.cc"])))
    ctx.actions.run(
        executable = ctx.executable._protoc,
        arguments = [arguments],
        inputs = proto_info.transitive_sources,
        tools = [ctx.executable._plugin],
        outputs = headers + sources,
        mnemonic = "GrpcCppPlugin",
        progress_message = "Generating gRPC C++ stubs for %s" % ctx.label,
    )
    return [
        DefaultInfo(files = depset(headers + sources)),
        OutputGroupInfo(headers = depset(headers), sources = depset(sources)),
    ]

_grpc_cc_sources = rule(
    implementation = _grpc_cc_sources_impl,
    attrs = {
        "proto": attr.label(mandatory = True, providers = [ProtoInfo]),
        "_protoc": attr.label(default = "@com_google_protobuf//:protoc", executable = True, cfg = "host"),
        "_plugin": attr.label(default = "@system_libs//:grpc_cpp_plugin", executable = True, cfg = "host"),
    },
)

def cc_grpc_library(name, proto, deps, visibility = None, **kwargs):
    """C++ gRPC stubs for the services in `proto` (a proto_library).

    Args:
      name: the cc_library's name.
      proto: the proto_library whose direct sources define the services.
      deps: the cc_proto_library of the same proto_library (and nothing else, usually).
      visibility: of the cc_library.
      **kwargs: passed to cc_library (e.g. testonly).
    """
    sources = name + "_sources"
    _grpc_cc_sources(name = sources, proto = proto, visibility = ["//visibility:private"])
    for group in ["headers", "sources"]:
        native.filegroup(
            name = "%s_%s" % (sources, group),
            srcs = [":" + sources],
            output_group = group,
            visibility = ["//visibility:private"],
        )
    cc_library(
        name = name,
        srcs = [":%s_sources" % sources],
        hdrs = [":%s_headers" % sources],
        strip_include_prefix = "/".join([_GEN_DIR, sources]),
        deps = deps + ["@system_libs//:grpc"],
        visibility = visibility,
        **kwargs
    )
