"""The writer schema and the rows serialized with it: parsed back with the
descriptor alone they hold the generated values; the fake (an independent
decoder, fakes/proto_row_decoder.h) takes them, and refuses a row of the
wrong type as a row error."""

import unittest

import grpc
from google.cloud.bigquery.storage.v1 import storage_pb2
from google.protobuf import descriptor_pb2

from testees.python_grpcio import catalogue as cat
from testees.python_grpcio import proto_rows
from testees.python_grpcio.row_generator import RowGenerator, same_value
from testees.python_grpcio.share_reader import Client
from testees.python_grpcio.stream_writer import AppendCall, create_committed_stream
from testees.python_grpcio.testing.fake_server import FakeServerTestCase

_FIELD = descriptor_pb2.FieldDescriptorProto
ALL_TYPES = "all_types"  # every column type, nullable and required


def spec_of(name):
    return cat.default_catalogue().resolve(name)


def generated_rows(spec, count):
    generator = RowGenerator(spec)
    return [generator.row(i, range(len(spec.columns))) for i in range(count)]


class ProtoRowsTest(unittest.TestCase):
    def test_the_descriptor_has_a_field_per_column_row_id_first(self):
        spec = spec_of(ALL_TYPES)
        descriptor = proto_rows.row_descriptor(spec)
        self.assertEqual(descriptor.name, "ForkcheckRow")
        self.assertEqual([f.name for f in descriptor.field], [c.name for c in spec.columns])
        self.assertEqual(descriptor.field[0].name, "row_id")
        self.assertEqual([f.number for f in descriptor.field], list(range(1, len(spec.columns) + 1)))
        self.assertEqual({f.label for f in descriptor.field}, {_FIELD.LABEL_OPTIONAL})
        types = {c.name: c.type for c in spec.columns}
        expected = {
            cat.INT64: _FIELD.TYPE_INT64, cat.TIMESTAMP: _FIELD.TYPE_INT64, cat.FLOAT64: _FIELD.TYPE_DOUBLE,
            cat.BOOL: _FIELD.TYPE_BOOL, cat.STRING: _FIELD.TYPE_STRING, cat.BYTES: _FIELD.TYPE_BYTES,
        }
        for field in descriptor.field:
            self.assertEqual(field.type, expected[types[field.name]], field.name)
        self.assertEqual(set(types.values()), set(expected), "all_types lacks a type")

    def test_serialized_rows_parse_with_the_descriptor_alone_and_hold_the_generated_values(self):
        spec = spec_of(ALL_TYPES)
        encoder = proto_rows.ProtoRowEncoder(spec)
        # A class of its own, from the descriptor as the server receives it.
        received = descriptor_pb2.DescriptorProto.FromString(encoder.descriptor.SerializeToString())
        parse = proto_rows.message_class(received, "as_received.proto").FromString
        rows = generated_rows(spec, 200)
        nulls = 0
        for row in rows:
            message = parse(encoder.encode(row))
            for column, value in zip(spec.columns, row):
                if value is None:
                    nulls += 1
                    self.assertFalse(message.HasField(column.name), f"row {row[0]} {column.name}")
                    continue
                self.assertTrue(message.HasField(column.name), f"row {row[0]} {column.name}")
                self.assertTrue(same_value(value, getattr(message, column.name)), f"row {row[0]} {column.name}")
        self.assertGreater(nulls, 0, "no null cell in 200 rows: the nullable columns went untested")

    def test_row_zero_keeps_its_row_id(self):
        # proto2 optional: 0 is set (present), not left out as a default.
        spec = spec_of("small")
        encoder = proto_rows.ProtoRowEncoder(spec)
        self.assertTrue(encoder.message_class.FromString(encoder.encode(generated_rows(spec, 1)[0])).HasField("row_id"))


class FakeDecodesTheRowsTest(FakeServerTestCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.client = Client(cls.server.address)

    @classmethod
    def tearDownClass(cls):
        cls.client.close()
        super().tearDownClass()

    def append(self, project, serialized_rows):
        """The answer to one append of these rows at offset 0 of a new
        COMMITTED stream of all_types' writable table."""
        table = f"projects/{project}/datasets/writable/tables/{ALL_TYPES}"
        stream = create_committed_stream(self.client.write_stub, table, 5.0)
        request = storage_pb2.AppendRowsRequest(write_stream=stream)
        request.offset.value = 0
        request.proto_rows.writer_schema.proto_descriptor.CopyFrom(proto_rows.row_descriptor(spec_of(ALL_TYPES)))
        request.proto_rows.rows.serialized_rows.extend(serialized_rows)
        call = AppendCall(self.client.write_stub, 10.0)
        call.send(request)
        answer = call.next_answer()
        self.assertEqual(call.finish(), (grpc.StatusCode.OK, ""))
        return answer

    def test_the_fake_takes_the_encoded_rows(self):
        encoder = proto_rows.ProtoRowEncoder(spec_of(ALL_TYPES))
        answer = self.append("proto-rows-ok", [encoder.encode(row) for row in generated_rows(spec_of(ALL_TYPES), 50)])
        self.assertFalse(answer.HasField("error"), answer)
        self.assertEqual(list(answer.row_errors), [])
        self.assertEqual(answer.append_result.offset.value, 0)

    def test_a_row_of_the_wrong_type_is_a_row_error(self):
        spec = spec_of(ALL_TYPES)
        encoder = proto_rows.ProtoRowEncoder(spec)
        good = [encoder.encode(row) for row in generated_rows(spec, 3)]
        # int64_required (field 2) as a length-delimited string: wire type 2,
        # not the varint the schema declares.
        text = b"not a number"
        wrong = good[1] + bytes([2 << 3 | 2, len(text)]) + text
        answer = self.append("proto-rows-wrong", [good[0], wrong, good[2]])
        self.assertEqual(answer.error.code, grpc.StatusCode.INVALID_ARGUMENT.value[0], answer)
        self.assertEqual([e.index for e in answer.row_errors], [1], answer)


if __name__ == "__main__":
    unittest.main()
