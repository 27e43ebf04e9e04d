"""A table's rows as the Write API takes them: a port of
client/proto_row_encoder.{h,cc}.

The writer schema is a self-contained DescriptorProto, proto2, one optional
field per column, named as the column and numbered by its position from 1
(row_id first, field 1), with BigQuery's mapping of column types (the
fake's decoder, fakes/proto_row_decoder.h, is the independent reader):
INT64 and TIMESTAMP (microseconds) int64, FLOAT64 double, BOOL bool, STRING
string, BYTES bytes. A null cell is a field left unset. Rows are serialized
by protobuf's own message classes, made from the descriptor with
message_factory: no hand-written wire format.
"""

from typing import Sequence

from google.protobuf import descriptor_pb2, descriptor_pool, message_factory

from testees.python_grpcio import catalogue as cat

# The message's name, the C++ encoder's: what BigQuery's docs call the
# writer's row message.
MESSAGE_NAME = "ForkcheckRow"

_FIELD = descriptor_pb2.FieldDescriptorProto
_PROTO_TYPES = {
    cat.INT64: _FIELD.TYPE_INT64,
    cat.TIMESTAMP: _FIELD.TYPE_INT64,
    cat.FLOAT64: _FIELD.TYPE_DOUBLE,
    cat.BOOL: _FIELD.TYPE_BOOL,
    cat.STRING: _FIELD.TYPE_STRING,
    cat.BYTES: _FIELD.TYPE_BYTES,
}


def row_descriptor(spec: cat.TableSpec) -> descriptor_pb2.DescriptorProto:
    descriptor = descriptor_pb2.DescriptorProto(name=MESSAGE_NAME)
    for i, column in enumerate(spec.columns):
        descriptor.field.add(
            name=column.name, number=i + 1, label=_FIELD.LABEL_OPTIONAL, type=_PROTO_TYPES[column.type]
        )
    return descriptor


def message_class(descriptor: descriptor_pb2.DescriptorProto, file_name: str = "forkcheck_row.proto"):
    """The message class of a self-contained row descriptor, built in a pool
    of its own (so that encoders of several tables never clash)."""
    file = descriptor_pb2.FileDescriptorProto(name=file_name, syntax="proto2")
    file.message_type.add().CopyFrom(descriptor)
    pool = descriptor_pool.DescriptorPool()
    pool.Add(file)
    return message_factory.MessageFactory(pool).GetPrototype(pool.FindMessageTypeByName(descriptor.name))


class ProtoRowEncoder:
    """Serializes rows of one table (one cell per column, in order, as
    RowGenerator.row gives them for every column)."""

    def __init__(self, spec: cat.TableSpec):
        self.spec = spec
        self.descriptor = row_descriptor(spec)
        self.message_class = message_class(self.descriptor)
        self._names = [column.name for column in spec.columns]

    def encode(self, row: Sequence) -> bytes:
        fields = {name: value for name, value in zip(self._names, row) if value is not None}
        return self.message_class(**fields).SerializeToString()
