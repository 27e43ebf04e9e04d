"""The generated modules and Debian's google.protobuf import side by side.

Both live under the `google` namespace package (bazel/grpc_py.bzl); if either
hid the other, one of these imports would fail.
"""

import unittest


class GeneratedImportsTest(unittest.TestCase):
    def test_generated_and_runtime_share_the_google_namespace(self):
        from google.cloud.bigquery.storage.v1 import storage_pb2
        from google.cloud.bigquery.storage.v1 import storage_pb2_grpc
        from google.protobuf import timestamp_pb2
        from google.rpc import error_details_pb2, status_pb2

        session = storage_pb2.CreateReadSessionRequest(parent="projects/p")
        self.assertEqual(session.parent, "projects/p")
        self.assertTrue(hasattr(storage_pb2_grpc, "BigQueryReadStub"))
        self.assertIn("/usr/lib/python3/dist-packages", timestamp_pb2.__file__)
        info = error_details_pb2.RetryInfo()
        info.retry_delay.seconds = 3
        status = status_pb2.Status(code=8)
        status.details.add().Pack(info)
        unpacked = error_details_pb2.RetryInfo()
        self.assertTrue(status.details[0].Unpack(unpacked))
        self.assertEqual(unpacked.retry_delay.seconds, 3)

    def test_forkcheck_protocol(self):
        from forkcheck import testee_pb2, worker_pb2

        message = worker_pb2.WorkerMessage(format_version=1)
        message.refused.reason = "because"
        parsed = worker_pb2.WorkerMessage.FromString(message.SerializeToString())
        self.assertEqual(parsed.WhichOneof("body"), "refused")
        self.assertIsInstance(parsed.refused, testee_pb2.TrialRefused)


if __name__ == "__main__":
    unittest.main()
