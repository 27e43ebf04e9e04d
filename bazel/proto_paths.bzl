"""Where a proto_library's source sits in the import namespace, for the rules
that run protoc with a plugin (grpc_cc.bzl, grpc_py.bzl)."""

def proto_import_path(proto_info, source):
    """`source` (a File of `proto_info`'s sources) as an import path, e.g.
    "google/cloud/bigquery/storage/v1/storage.proto", whatever
    strip_import_prefix or virtual imports did to its path."""
    root = proto_info.proto_source_root
    if root in ("", "."):
        return source.path
    if not source.path.startswith(root + "/"):
        fail("%s is not under its proto source root %s" % (source.path, root))
    return source.path[len(root) + 1:]
