"""py_grpc_library: Python messages and gRPC stubs from proto_library targets.

Runs the system protoc with --python_out and Debian's grpc_python_plugin over
the direct sources of each listed proto_library, into one generated tree, and
wraps it in a py_library whose import root is that tree, so that
  from google.cloud.bigquery.storage.v1 import storage_pb2
  from forkcheck import worker_pb2
work as the generated code's own imports expect. The well-known types
(google.protobuf) are not generated: they come with the python3-protobuf
runtime.

The tree holds no __init__.py files: `google` (and `forkcheck`) are PEP 420
namespace packages that merge with Debian's google.protobuf in
/usr/lib/python3/dist-packages. That needs
--incompatible_default_to_explicit_init_py (in .bazelrc): otherwise Bazel
adds empty __init__.py files that turn them into regular packages, and one
hides the other.
"""

load("//bazel:proto_paths.bzl", "proto_import_path")

_GEN_DIR = "_py_gen"

def _grpc_py_sources_impl(ctx):
    out_root = "/".join([ctx.bin_dir.path, ctx.label.package, _GEN_DIR, ctx.label.name]).replace("//", "/")
    outputs = []
    for proto in ctx.attr.protos:
        proto_info = proto[ProtoInfo]
        arguments = ctx.actions.args()
        arguments.add("--plugin=protoc-gen-grpc_python=" + ctx.executable._plugin.path)
        arguments.add("--python_out=" + out_root)
        arguments.add("--grpc_python_out=" + out_root)
        arguments.add_all(proto_info.transitive_proto_path, format_each = "--proto_path=%s")
        generated = []
        for source in proto_info.direct_sources:
            path = proto_import_path(proto_info, source)
            arguments.add(path)
            stem = path[:-len(".proto")]
            for suffix in ["_pb2.py", "_pb2_grpc.py"]:
                generated.append(ctx.actions.declare_file("/".join([_GEN_DIR, ctx.label.name, stem + suffix])))
        ctx.actions.run(
            executable = ctx.executable._protoc,
            arguments = [arguments],
            inputs = proto_info.transitive_sources,
            tools = [ctx.executable._plugin],
            outputs = generated,
            mnemonic = "GrpcPythonPlugin",
            progress_message = "Generating Python messages and gRPC stubs for %s" % proto.label,
        )
        outputs += generated
    return [DefaultInfo(files = depset(outputs))]

_grpc_py_sources = rule(
    implementation = _grpc_py_sources_impl,
    attrs = {
        "protos": attr.label_list(mandatory = True, providers = [ProtoInfo]),
        "_protoc": attr.label(default = "@com_google_protobuf//:protoc", executable = True, cfg = "host"),
        "_plugin": attr.label(default = "@system_libs//:grpc_python_plugin", executable = True, cfg = "host"),
    },
)

def py_grpc_library(name, protos, visibility = None, **kwargs):
    """Python messages and stubs of `protos` (proto_library targets).

    Every proto_library a listed one imports must be listed too (or be a
    well-known type); each source is generated once, so do not list two
    libraries with the same source.

    Args:
      name: the py_library's name.
      protos: the proto_library targets whose direct sources to generate.
      visibility: of the py_library.
      **kwargs: passed to py_library (e.g. testonly).
    """
    sources = name + "_sources"
    _grpc_py_sources(name = sources, protos = protos, visibility = ["//visibility:private"])
    native.py_library(
        name = name,
        srcs = [":" + sources],
        imports = ["/".join([_GEN_DIR, sources])],
        srcs_version = "PY3",
        visibility = visibility,
        **kwargs
    )
