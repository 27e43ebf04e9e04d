"""count_tcp_connections_to counts this process's own established
connections to a port, and nothing for other targets."""

import socket
import unittest

from testees.python_grpcio.connection_count import count_tcp_connections_to


class ConnectionCountTest(unittest.TestCase):
    def test_counts_own_connections_to_the_port(self):
        with socket.socket() as listener:
            listener.bind(("127.0.0.1", 0))
            listener.listen()
            port = listener.getsockname()[1]
            target = f"127.0.0.1:{port}"
            self.assertEqual(count_tcp_connections_to(target), 0)
            clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(2)]
            accepted = [listener.accept()[0] for _ in clients]
            try:
                # The accepted ends are ours too, but their remote port is
                # the clients', not the server's.
                self.assertEqual(count_tcp_connections_to(target), 2)
                self.assertEqual(count_tcp_connections_to(f"ipv4:{target}"), 2)
                clients[0].close()
                self.assertEqual(count_tcp_connections_to(target), 1)
            finally:
                for s in clients + accepted:
                    s.close()

    def test_other_targets_are_not_counted(self):
        self.assertIsNone(count_tcp_connections_to("unix:/tmp/socket"))
        self.assertIsNone(count_tcp_connections_to("localhost"))


if __name__ == "__main__":
    unittest.main()
