#include "reports/html/failure_evidence.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "reports/html/html_writer.h"
#include "reports/verdict_text.h"

namespace forkcheck::html {
namespace {

bool HasText(const ReportTrial& trial) {
  for (const ProcessEvidence& process : trial.evidence) {
    if (!process.stacks.empty() || !process.stderr_tail.empty()) return true;
  }
  return false;
}

// "(gdb core; SIGSEGV at 0x0)"; "" if nothing is known.
std::string CaptureFacts(const ProcessEvidence& process) {
  std::vector<std::string> facts;
  if (!process.stacks_source.empty()) facts.push_back(process.stacks_source);
  if (!process.signal.empty()) {
    facts.push_back(
        process.fault_address.empty()
            ? process.signal
            : absl::StrCat(process.signal, " at ", process.fault_address));
  }
  if (facts.empty()) return "";
  return absl::StrCat("(", absl::StrJoin(facts, "; "), ")");
}

std::string ProcessHtml(const ProcessEvidence& process) {
  std::string head =
      TextElement("b", process.process.empty() ? "a process" : process.process);
  absl::StrAppend(
      &head, " ",
      process.signature.empty()
          ? TextElement("span", {{"class", "none"}}, "no stack signature")
          : TextElement("code", process.signature));
  if (const std::string facts = CaptureFacts(process); !facts.empty()) {
    absl::StrAppend(&head, " ",
                    TextElement("span", {{"class", "facts"}}, facts));
  }
  std::string html = Element("p", {{"class", "process-head"}}, head);
  if (!process.capture_error.empty()) {
    absl::StrAppend(
        &html, TextElement("p", {{"class", "capture-error"}},
                           absl::StrCat("no stacks: ", process.capture_error)));
  }
  if (!process.stacks.empty()) {
    absl::StrAppend(&html,
                    TextElement("p", {{"class", "label"}},
                                "stacks, a line a thread, innermost frame "
                                "first:"),
                    TextElement("pre", {{"class", "stacks"}}, process.stacks));
  }
  if (!process.stderr_tail.empty()) {
    absl::StrAppend(
        &html,
        TextElement("p", {{"class", "label"}}, "stderr, its last bytes:"),
        TextElement("pre", {{"class", "stderr"}}, process.stderr_tail));
  }
  return Element("div", {{"class", "process"}}, html);
}

// "trial 3 of 30: workers hang, parent after ok; stacks took 1.2 s".
std::string TrialHeading(const ReportTrial& trial, size_t number,
                         size_t trials) {
  std::string heading = absl::StrCat("trial ", number, " of ", trials,
                                     ": workers ", trial.workers);
  if (trial.parent_after.has_value()) {
    absl::StrAppend(&heading, ", parent after ", *trial.parent_after);
  }
  if (trial.starvation_allowance_micros > 0) {
    absl::StrAppend(
        &heading,
        absl::StrFormat("; the watchdog waited %.1f s more (its threads "
                        "waited for a CPU)",
                        trial.starvation_allowance_micros / 1e6));
  }
  if (trial.diagnosis_micros > 0) {
    absl::StrAppend(&heading, absl::StrFormat("; capturing took %.1f s",
                                              trial.diagnosis_micros / 1e6));
  }
  return heading;
}

std::string SignatureTable(const ReportCell& cell) {
  std::vector<std::vector<std::string>> rows;
  for (const auto& [signature, trials] : SignaturesByTrials(cell)) {
    rows.push_back(
        {TextElement("code", signature), EscapeText(absl::StrCat(trials))});
  }
  if (rows.empty()) {
    return TextElement("p", {{"class", "none"}},
                       "No stack signature: no process's stacks could be "
                       "had (why, below).");
  }
  return Table({"stack signature (process: frames, innermost first)", "trials"},
               rows, "signatures");
}

std::string CellSection(const ReportCell& cell, size_t index) {
  const std::vector<std::pair<std::string, int64_t>> signatures =
      SignaturesByTrials(cell);
  std::string line =
      absl::StrCat(cell.workers.verdict, ": ", CellFailuresText(cell));
  if (!signatures.empty()) {
    absl::StrAppend(&line, " — ", SignatureText(signatures.front()));
    if (signatures.size() > 1) {
      absl::StrAppend(&line, " +", signatures.size() - 1, " more");
    }
  }
  const std::string summary =
      absl::StrCat(Element("code", BreakableText(cell.key)), " ",
                   TextElement("span", {{"class", "line"}}, line));
  // The trials kept with text; if none was (every capture failed, nothing
  // on stderr), the first with evidence, for why.
  std::vector<size_t> shown;
  size_t with_evidence = 0;
  for (size_t t = 0; t < cell.trials.size(); ++t) {
    if (cell.trials[t].evidence.empty()) continue;
    ++with_evidence;
    if (HasText(cell.trials[t])) shown.push_back(t);
  }
  if (shown.empty()) {
    for (size_t t = 0; t < cell.trials.size(); ++t) {
      if (!cell.trials[t].evidence.empty()) {
        shown.push_back(t);
        break;
      }
    }
  }
  std::string body = SignatureTable(cell);
  for (const size_t t : shown) {
    std::string processes;
    for (const ProcessEvidence& process : cell.trials[t].evidence) {
      absl::StrAppend(&processes, ProcessHtml(process));
    }
    absl::StrAppend(
        &body, Element("div", {{"class", "trial"}},
                       absl::StrCat(
                           TextElement("h5", TrialHeading(cell.trials[t], t + 1,
                                                          cell.trials.size())),
                           processes)));
  }
  if (with_evidence > shown.size()) {
    const size_t more = with_evidence - shown.size();
    absl::StrAppend(
        &body,
        TextElement("p", {{"class", "note"}},
                    absl::StrCat(more,
                                 more == 1 ? " other failed trial keeps only "
                                             "its signatures"
                                           : " other failed trials keep only "
                                             "their signatures",
                                 " (counted above).")));
  }
  return Element("details", {{"class", "why"}, {"data-key", cell.key}},
                 absl::StrCat(Element("summary", summary),
                              Element("div",
                                      {{"class", "why-body"},
                                       {"id", FailureEvidenceId(index)}},
                                      body)));
}

}  // namespace

bool HasFailureEvidence(const ReportCell& cell) {
  if (!cell.signatures.empty()) return true;
  for (const ReportTrial& trial : cell.trials) {
    if (!trial.evidence.empty()) return true;
  }
  return false;
}

std::string FailureEvidenceId(size_t index) {
  return absl::StrCat("why-", index);
}

std::string RenderFailureEvidence(const ReportConformance& conformance) {
  std::string sections;
  for (size_t c = 0; c < conformance.cells.size(); ++c) {
    if (HasFailureEvidence(conformance.cells[c])) {
      absl::StrAppend(&sections, CellSection(conformance.cells[c], c));
    }
  }
  if (sections.empty()) return "";
  return absl::StrCat(
      TextElement("h3", "Why cells failed"),
      TextElement(
          "p", {{"class", "note"}},
          "Each cell with failed trials (other than ok and ok_after_retry) "
          "and what explains them: its stack signatures (the process, then "
          "the frames that name what it was doing, innermost first) with the "
          "trials each was seen in; then, for its first failed trials and "
          "the first trial of each new signature, every process's stacks "
          "and stderr. Click a cell in the grids, or a line here, to open "
          "it."),
      Element("div", {{"class", "why-list"}}, sections));
}

const char* FailureEvidenceCss() {
  return R"css(
table.grid td.cell a.why { display: block; color: inherit;
                           text-decoration: none; }
div.why-list details.why { border-top: 1px solid #d0d7de; padding: 3px 0; }
div.why-list details.why > summary { cursor: pointer; font-size: 13px; }
div.why-list details.why > summary span.line { color: #57606a; }
div.why-list details[open].why > summary { font-weight: bold; }
div.why-body { margin: 4px 0 8px 16px; }
div.why-body:target { outline: 2px solid #1f5fae; outline-offset: 4px; }
div.why-body table.signatures td:first-child { text-align: left; }
div.why-body h5 { margin: 8px 0 2px; }
div.why-body div.process { margin-left: 12px; }
div.why-body p { margin: 2px 0; }
div.why-body p.label { font-size: 12px; color: #57606a; }
div.why-body p.capture-error { color: #8e2424; }
div.why-body span.facts, div.why-body .none { color: #57606a; }
div.why-body pre { font-size: 11px; background: #f6f8fa; padding: 4px 6px;
                   margin: 0 0 4px; max-height: 20em; overflow: auto;
                   white-space: pre-wrap; overflow-wrap: anywhere; }
)css";
}

}  // namespace forkcheck::html
