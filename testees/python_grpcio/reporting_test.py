"""The pipe protocol's Python side: frames, failed writes, wait statuses."""

import os
import struct
import unittest

from forkcheck import worker_pb2

from testees.python_grpcio import reporting


class ReportingTest(unittest.TestCase):
    def test_frames_are_length_prefixed_worker_messages(self):
        read, write = os.pipe()
        try:
            reporter = reporting.WorkerReporter(write)
            reporter.phase(worker_pb2.PHASE_STARTED)
            os.close(write)
            data = os.read(read, 1 << 16)
        finally:
            os.close(read)
        (size,) = struct.unpack("<I", data[:4])
        self.assertEqual(len(data), 4 + size)
        message = worker_pb2.WorkerMessage.FromString(data[4:])
        self.assertEqual(message.format_version, 1)
        self.assertEqual(message.phase.phase, worker_pb2.PHASE_STARTED)
        self.assertEqual(message.phase.pid, os.getpid())  # stacks and core files know only pids

    def test_a_write_to_a_closed_pipe_is_remembered_not_raised(self):
        read, write = os.pipe()
        os.close(read)
        try:
            reporter = reporting.WorkerReporter(write)
            reporter.phase(worker_pb2.PHASE_STARTED)  # EPIPE: SIGPIPE is ignored
            self.assertTrue(reporter.write_failed)
        finally:
            os.close(write)

    def test_oversized_messages_are_not_written(self):
        read, write = os.pipe()
        try:
            result = worker_pb2.WorkerResult(status_message="x" * (reporting.MAX_FRAME_BYTES + 1))
            message = worker_pb2.WorkerMessage(format_version=1, result=result)
            self.assertFalse(reporting.write_frame(write, message))
        finally:
            os.close(read)
            os.close(write)

    def test_wait_status_from_exitcode(self):
        self.assertEqual(reporting.wait_status_from_exitcode(0), 0)
        self.assertEqual(reporting.wait_status_from_exitcode(3), 3 << 8)
        self.assertEqual(reporting.wait_status_from_exitcode(-9), 9)
        self.assertEqual(reporting.wait_status_from_exitcode(-6), 6)

    def test_report_fds_from_environment(self):
        self.assertEqual(reporting.report_fds_from_environment({"FORKCHECK_REPORT_FDS": "3,4,5"}), [3, 4, 5])
        for bad in ({}, {"FORKCHECK_REPORT_FDS": ""}, {"FORKCHECK_REPORT_FDS": "3,x"}, {"FORKCHECK_REPORT_FDS": "-1"}):
            with self.assertRaises(reporting.ReportFdsError):
                reporting.report_fds_from_environment(bad)

    def test_worker_stderr_fds_from_environment(self):
        self.assertEqual(reporting.worker_stderr_fds_from_environment({"FORKCHECK_WORKER_STDERR_FDS": "9,10"}), [9, 10])
        for unset in ({}, {"FORKCHECK_WORKER_STDERR_FDS": ""}):
            self.assertEqual(reporting.worker_stderr_fds_from_environment(unset), [])
        with self.assertRaises(reporting.ReportFdsError):
            reporting.worker_stderr_fds_from_environment({"FORKCHECK_WORKER_STDERR_FDS": "9,x"})

    def test_the_parent_closes_the_workers_report_and_stderr_pipes(self):
        pipes = [os.pipe() for _ in range(4)]
        parent = reporting.ParentReporter(-1, [pipes[0][1], pipes[1][1]], [pipes[2][1], pipes[3][1]])
        self.assertEqual(parent.workers, 2)
        parent.close_worker_fds()
        for read, _ in pipes:
            self.assertEqual(os.read(read, 1), b"")  # EOF: no writer left
            os.close(read)


if __name__ == "__main__":
    unittest.main()
