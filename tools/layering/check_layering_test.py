"""The layering check finds every upward or sideways edge between rooms,
and only those."""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import check_layering  # noqa: E402

ROOMS = """
# a comment
0: common protos
1: dataset
2: client fakes
"""


def graph(*edges):
    lines = ["digraph mygraph {", '  node [shape=box];']
    lines += [f'  "{a}"\n  "{a}" -> "{b}"' for a, b in edges]
    return "\n".join(lines + ["}"])


class CheckLayeringTest(unittest.TestCase):

    def setUp(self):
        self.layers = check_layering.parse_rooms(ROOMS)

    def check(self, *edges):
        return check_layering.violations(
            check_layering.parse_edges(graph(*edges)), self.layers)

    def test_rooms_parse_with_their_layers(self):
        self.assertEqual(self.layers, {"common": 0, "protos": 0, "dataset": 1,
                                       "client": 2, "fakes": 2})

    def test_downward_and_internal_edges_pass(self):
        self.assertEqual(self.check(
            ("//client:reader", "//dataset:rows"),
            ("//dataset:rows", "//common:json"),
            ("//client:reader", "//client/testing:helper"),
            ("//dataset:rows", "@system_libs//:absl")), [])

    def test_an_upward_edge_is_named_with_an_example(self):
        problems = self.check(("//dataset:rows", "//client:reader"),
                              ("//dataset:rows_test", "//client:reader"))
        self.assertEqual(len(problems), 1)
        self.assertIn("dataset (layer 1) depends on client, a higher layer (2)",
                      problems[0])
        self.assertIn("2 edge(s)", problems[0])

    def test_rooms_of_one_layer_may_not_depend_on_each_other(self):
        problems = self.check(("//fakes:reader_test", "//client:reader"))
        self.assertEqual(len(problems), 1)
        self.assertIn("the same layer", problems[0])

    def test_a_room_missing_from_the_list_is_a_problem(self):
        self.assertEqual(self.check(("//newroom:x", "//common:json")),
                         ["room 'newroom' is not in rooms.txt"])

    def test_malformed_rooms_files_are_refused_with_the_line(self):
        for text, message in (("x: common", "rooms.txt:1"),
                              ("0: common\n1: common", "listed twice"),
                              ("0:", "rooms.txt:1")):
            with self.assertRaisesRegex(ValueError, message):
                check_layering.parse_rooms(text)

    def test_the_repository_list_parses(self):
        path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                            "rooms.txt")
        with open(path, encoding="utf-8") as f:
            layers = check_layering.parse_rooms(f.read())
        self.assertLess(layers["dataset"], layers["fakes"])
        self.assertLess(layers["supervisor"], layers["matrix"])


if __name__ == "__main__":
    unittest.main()
