"""The Indexed Job manifest parses as YAML and holds together: what can be
checked without a Kubernetes cluster (none was reachable here).

It checks what would make the shards wrong rather than the Job invalid:
the Job must be Indexed (so each pod gets JOB_COMPLETION_INDEX), the shard
count the main job reads (FORKCHECK_SHARD_COUNT) must equal completions, no
pod may pass --shard (which would override the index), and the reports must
land in the mounted volume, from a pod that is never restarted in place."""

import os
import unittest

import yaml

MANIFEST = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "matrix-indexed-job.yaml")


class IndexedJobManifestTest(unittest.TestCase):

    def setUp(self):
        with open(MANIFEST, encoding="utf-8") as f:
            documents = list(yaml.safe_load_all(f))
        self.assertEqual(len(documents), 1, "one Job, nothing else")
        self.job = documents[0]
        self.spec = self.job["spec"]
        self.pod = self.spec["template"]["spec"]
        self.assertEqual(len(self.pod["containers"]), 1)
        self.container = self.pod["containers"][0]

    def test_is_an_indexed_batch_job(self):
        self.assertEqual(self.job["apiVersion"], "batch/v1")
        self.assertEqual(self.job["kind"], "Job")
        self.assertEqual(self.spec["completionMode"], "Indexed")
        self.assertEqual(self.pod["restartPolicy"], "Never")
        self.assertGreater(self.spec["activeDeadlineSeconds"], 0)

    def test_shard_count_is_completions(self):
        env = {e["name"]: e["value"] for e in self.container["env"]}
        self.assertEqual(int(env["FORKCHECK_SHARD_COUNT"]),
                         self.spec["completions"])
        self.assertLessEqual(self.spec["parallelism"],
                             self.spec["completions"])

    def test_runs_the_main_job_into_the_volume_without_shard_flag(self):
        script = " ".join(self.container["command"] + self.container["args"])
        self.assertIn("bazel-bin/driver/forkcheck_run", script)
        self.assertNotIn("--shard", script)
        mounts = {m["name"]: m["mountPath"]
                  for m in self.container["volumeMounts"]}
        volumes = {v["name"] for v in self.pod["volumes"]}
        self.assertIn("--report_dir=" + mounts["reports"], script)
        self.assertIn("reports", volumes)


if __name__ == "__main__":
    unittest.main()
