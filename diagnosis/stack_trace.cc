#include "diagnosis/stack_trace.h"

#include <cctype>
#include <cstddef>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"

namespace forkcheck {
namespace {

bool IsIdentifierChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Characters an operator's symbol is made of (`operator<<=`, `operator->`).
bool IsOperatorSymbolChar(char c) {
  return absl::string_view("+-*/%^&|~!=<>,").find(c) != absl::string_view::npos;
}

// If `text` has the keyword `operator` at `i`, the length of the keyword plus
// its symbol ("operator()", "operator<<"); 0 otherwise. Lets the scanners
// tell `operator<` from a template argument list.
size_t OperatorTokenLength(absl::string_view text, size_t i) {
  constexpr absl::string_view kOperator = "operator";
  if (text.substr(i, kOperator.size()) != kOperator) return 0;
  if (i > 0 && IsIdentifierChar(text[i - 1])) return 0;
  size_t j = i + kOperator.size();
  if (j < text.size() && IsIdentifierChar(text[j])) return 0;
  size_t k = j;
  while (k < text.size() && text[k] == ' ') ++k;
  if (text.substr(k, 2) == "()" || text.substr(k, 2) == "[]") return k + 2 - i;
  size_t end = k;
  while (end < text.size() && IsOperatorSymbolChar(text[end])) ++end;
  return end > k ? end - i : j - i;
}

// Tracks nesting of (), <>, [] and {} while scanning a C++ name, skipping
// operator symbols so that their brackets do not count.
struct Nesting {
  int parens = 0;
  int angles = 0;
  int squares = 0;
  int braces = 0;
  bool AtTop() const {
    return parens == 0 && angles == 0 && squares == 0 && braces == 0;
  }
  void Update(char c) {
    switch (c) {
      case '(':
        ++parens;
        break;
      case ')':
        parens = parens > 0 ? parens - 1 : 0;
        break;
      case '<':
        ++angles;
        break;
      case '>':
        angles = angles > 0 ? angles - 1 : 0;
        break;
      case '[':
        ++squares;
        break;
      case ']':
        squares = squares > 0 ? squares - 1 : 0;
        break;
      case '{':
        ++braces;
        break;
      case '}':
        braces = braces > 0 ? braces - 1 : 0;
        break;
      default:
        break;
    }
  }
};

// The index of the first " (" at the top level of a gdb frame's function
// text: where gdb's argument values begin. npos if there is none.
size_t FindArgumentsStart(absl::string_view text) {
  Nesting nesting;
  for (size_t i = 0; i < text.size(); ++i) {
    if (size_t op = OperatorTokenLength(text, i); op > 0) {
      i += op - 1;
      continue;
    }
    if (text[i] == '(' && nesting.AtTop() && i > 0 && text[i - 1] == ' ') {
      return i;
    }
    nesting.Update(text[i]);
  }
  return absl::string_view::npos;
}

// The index just past the ')' closing the '(' at `open`, skipping quoted
// strings and characters in gdb's argument values; npos if it is not closed.
size_t FindArgumentsEnd(absl::string_view text, size_t open) {
  int depth = 0;
  char quote = 0;
  for (size_t i = open; i < text.size(); ++i) {
    char c = text[i];
    if (quote != 0) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
      continue;
    }
    if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '(') {
      ++depth;
    } else if (c == ')' && --depth == 0) {
      return i + 1;
    }
  }
  return absl::string_view::npos;
}

absl::string_view Basename(absl::string_view path) {
  size_t slash = path.rfind('/');
  return slash == absl::string_view::npos ? path : path.substr(slash + 1);
}

// `#12 0x00007f.. in func (args) from /lib/x.so` → a frame; false if the
// line is not a frame line.
bool ParseGdbFrameLine(absl::string_view line, StackFrame* frame) {
  if (!absl::ConsumePrefix(&line, "#")) return false;
  size_t digits = 0;
  while (digits < line.size() && absl::ascii_isdigit(line[digits])) ++digits;
  if (digits == 0 || digits == line.size() || line[digits] != ' ') {
    return false;
  }
  line = absl::StripLeadingAsciiWhitespace(line.substr(digits));
  if (absl::StartsWith(line, "<signal handler called>")) {
    *frame = StackFrame{"<signal handler called>", ""};
    return true;
  }
  if (absl::StartsWith(line, "0x")) {
    size_t in = line.find(" in ");
    if (in == absl::string_view::npos) {
      // `#3  0x0000000000000000 in ?? ()` always has " in "; an address alone
      // is a frame gdb could not name.
      *frame = StackFrame{"??", ""};
      return true;
    }
    line = line.substr(in + 4);
  }
  absl::string_view function = line;
  absl::string_view rest;
  if (size_t open = FindArgumentsStart(line); open != absl::string_view::npos) {
    function = line.substr(0, open - 1);
    size_t close = FindArgumentsEnd(line, open);
    rest = close == absl::string_view::npos ? absl::string_view()
                                            : line.substr(close);
  }
  frame->function =
      SimplifyFunctionName(std::string_view(function.data(), function.size()));
  frame->location.clear();
  rest = absl::StripAsciiWhitespace(rest);
  if (absl::ConsumePrefix(&rest, "from ")) {
    frame->location = std::string(Basename(rest));
  } else if (absl::ConsumePrefix(&rest, "at ")) {
    frame->location = std::string(rest);
  }
  return true;
}

// `Thread 3 (Thread 0x7f.. (LWP 123) "name"):` or `Thread 2 (LWP 31209):`;
// with several inferiors gdb qualifies the number with the inferior's
// (`Thread 2.3 (...)`), and the thread's own number is kept.
bool ParseGdbThreadHeader(absl::string_view line, ThreadStack* thread) {
  if (!absl::ConsumePrefix(&line, "Thread ")) return false;
  if (!absl::ConsumeSuffix(&line, "):")) return false;
  size_t space = line.find(" (");
  if (space == absl::string_view::npos) return false;
  absl::string_view number = line.substr(0, space);
  int inferior = 0;
  if (size_t dot = number.find('.'); dot != absl::string_view::npos) {
    if (!absl::SimpleAtoi(number.substr(0, dot), &inferior)) return false;
    number.remove_prefix(dot + 1);
  }
  if (!absl::SimpleAtoi(number, &thread->number)) return false;
  absl::string_view inner = line.substr(space + 2);
  thread->lwp.clear();
  thread->name.clear();
  for (absl::string_view marker : {"LWP ", "process "}) {
    if (size_t at = inner.find(marker); at != absl::string_view::npos) {
      size_t begin = at + marker.size();
      size_t end = begin;
      while (end < inner.size() && absl::ascii_isdigit(inner[end])) ++end;
      thread->lwp = std::string(inner.substr(begin, end - begin));
      break;
    }
  }
  // The name is the last quoted string; thread names cannot hold quotes as
  // gdb prints them (it escapes them), so the last '"' closes it.
  if (absl::EndsWith(inner, "\"")) {
    size_t open = inner.rfind('"', inner.size() - 2);
    if (open != absl::string_view::npos) {
      thread->name =
          std::string(inner.substr(open + 1, inner.size() - open - 2));
    }
  }
  thread->frames.clear();
  return true;
}

// One line of text and whether it ended with '\n' (false: cut off at the end).
struct Line {
  absl::string_view text;
  bool complete;
};

std::vector<Line> SplitLines(absl::string_view text) {
  std::vector<Line> lines;
  size_t begin = 0;
  while (begin < text.size()) {
    size_t end = text.find('\n', begin);
    if (end == absl::string_view::npos) {
      lines.push_back({text.substr(begin), false});
      break;
    }
    absl::string_view line = text.substr(begin, end - begin);
    absl::ConsumeSuffix(&line, "\r");
    lines.push_back({line, true});
    begin = end + 1;
  }
  return lines;
}

// `Thread 0x00007f.. (most recent call first):` → id and whether it was the
// current thread; `Stack (most recent call first):` (a dump of one thread)
// has the id "".
bool ParsePythonThreadHeader(absl::string_view line, std::string* id,
                             bool* current) {
  if (!absl::ConsumeSuffix(&line, " (most recent call first):")) return false;
  if (line == "Stack") {
    *id = "";
    *current = true;
    return true;
  }
  *current = absl::ConsumePrefix(&line, "Current thread ");
  if (!*current && !absl::ConsumePrefix(&line, "Thread ")) return false;
  if (!absl::StartsWith(line, "0x")) return false;
  *id = std::string(line);
  return true;
}

// `  File "/usr/lib/python3.11/threading.py", line 320 in wait`.
bool ParsePythonFrameLine(absl::string_view line, StackFrame* frame) {
  if (!absl::ConsumePrefix(&line, "  File \"")) return false;
  size_t quote = line.rfind("\", line ");
  if (quote == absl::string_view::npos) return false;
  absl::string_view path = line.substr(0, quote);
  absl::string_view after = line.substr(quote + 8);
  size_t in = after.find(" in ");
  if (in == absl::string_view::npos) return false;
  absl::string_view number = after.substr(0, in);
  int line_number = 0;
  if (!absl::SimpleAtoi(number, &line_number)) return false;
  frame->function = std::string(after.substr(in + 4));
  frame->location = std::string(Basename(path)) + ":" + std::string(number);
  return true;
}

}  // namespace

std::string SimplifyFunctionName(std::string_view name) {
  std::string text = absl::StrReplaceAll(
      absl::string_view(name.data(), name.size()),
      {{"(anonymous namespace)::", ""}, {"(anonymous namespace)", ""}});
  // Keep only the top level: no argument lists, no template arguments. Braces
  // (`{lambda(int)#1}`) and brackets (`[abi:cxx11]`) are kept, their
  // contents reduced the same way.
  std::string kept;
  int parens = 0;
  int angles = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (size_t op = OperatorTokenLength(text, i); op > 0) {
      if (parens == 0 && angles == 0) kept.append(text, i, op);
      i += op - 1;
      continue;
    }
    char c = text[i];
    if (c == '(') {
      ++parens;
    } else if (c == ')') {
      parens = parens > 0 ? parens - 1 : 0;
    } else if (c == '<') {
      ++angles;
    } else if (c == '>') {
      angles = angles > 0 ? angles - 1 : 0;
    } else if (parens == 0 && angles == 0) {
      kept.push_back(c);
    }
  }
  absl::string_view result = absl::StripAsciiWhitespace(kept);
  // Trailing qualifiers of a member function.
  bool stripped = true;
  while (stripped) {
    stripped = false;
    for (absl::string_view qualifier :
         {" const", " volatile", " &&", " &", " noexcept"}) {
      if (absl::ConsumeSuffix(&result, qualifier)) {
        result = absl::StripTrailingAsciiWhitespace(result);
        stripped = true;
      }
    }
  }
  // A return type (gdb prints one for function templates): the name is what
  // follows the last top-level space, unless that space belongs to an
  // operator (`operator new`) or precedes a bracket (`f [clone .cold]`).
  size_t cut = absl::string_view::npos;
  int squares = 0;
  for (size_t i = 0; i < result.size(); ++i) {
    if (size_t op = OperatorTokenLength(result, i); op > 0) {
      i += op - 1;
      // `operator new`, `operator bool`: the word after the space is part of
      // the operator.
      while (i + 1 < result.size() && result[i + 1] == ' ') ++i;
      continue;
    }
    char c = result[i];
    if (c == '[' || c == '{') ++squares;
    if (c == ']' || c == '}') squares = squares > 0 ? squares - 1 : 0;
    if (c == ' ' && squares == 0 && i + 1 < result.size() &&
        result[i + 1] != '[') {
      cut = i;
    }
  }
  if (cut != absl::string_view::npos) result = result.substr(cut + 1);
  return std::string(result);
}

std::vector<ThreadStack> ParseGdbBacktraces(std::string_view gdb_output) {
  std::vector<ThreadStack> threads;
  bool in_thread = false;
  for (const Line& line :
       SplitLines(absl::string_view(gdb_output.data(), gdb_output.size()))) {
    ThreadStack header;
    if (ParseGdbThreadHeader(line.text, &header)) {
      threads.push_back(std::move(header));
      in_thread = true;
      continue;
    }
    StackFrame frame;
    // A frame line cut off at the end of a bounded capture is dropped rather
    // than kept with a truncated name.
    if (in_thread && line.complete && ParseGdbFrameLine(line.text, &frame)) {
      threads.back().frames.push_back(std::move(frame));
    }
  }
  return threads;
}

std::vector<ThreadStack> ParsePythonFaulthandler(std::string_view text) {
  struct Block {
    std::string id;
    bool current = false;
    std::vector<StackFrame> frames;
    bool cut_off = false;
  };
  std::vector<std::string> order;              // ids by first appearance
  std::map<std::string, Block> last_complete;  // id → its last complete block
  std::optional<Block> open;
  auto close = [&]() {
    if (!open.has_value()) return;
    if (!open->frames.empty() && !open->cut_off) {
      if (last_complete.find(open->id) == last_complete.end()) {
        order.push_back(open->id);
      }
      last_complete[open->id] = std::move(*open);
    }
    open.reset();
  };
  for (const Line& line :
       SplitLines(absl::string_view(text.data(), text.size()))) {
    std::string id;
    bool current = false;
    if (ParsePythonThreadHeader(line.text, &id, &current)) {
      close();
      open = Block{id, current, {}, false};
      continue;
    }
    StackFrame frame;
    if (open.has_value() && ParsePythonFrameLine(line.text, &frame)) {
      if (!line.complete) {
        open->cut_off = true;
      } else {
        open->frames.push_back(std::move(frame));
      }
      continue;
    }
    // faulthandler marks frames it left out with "  ..."; the block goes on.
    if (open.has_value() && line.text == "  ...") continue;
    close();  // any other line ends the block
  }
  close();
  std::vector<ThreadStack> threads;
  for (const std::string& id : order) {
    Block& block = last_complete[id];
    ThreadStack thread;
    thread.number = static_cast<int>(threads.size()) + 1;
    thread.lwp = block.id;
    thread.name = block.current ? "current" : "";
    thread.frames = std::move(block.frames);
    threads.push_back(std::move(thread));
  }
  return threads;
}

std::string FaulthandlerFatalSignal(std::string_view whole_text) {
  absl::string_view text(whole_text.data(), whole_text.size());
  constexpr absl::string_view kFatal = "Fatal Python error: ";
  size_t at = text.rfind(kFatal);
  if (at == absl::string_view::npos) return "";
  absl::string_view message = text.substr(at + kFatal.size());
  message = message.substr(0, message.find('\n'));
  // The names faulthandler gives the signals it handles.
  static const std::pair<absl::string_view, absl::string_view> kSignals[] = {
      {"Segmentation fault", "SIGSEGV"}, {"Aborted", "SIGABRT"},
      {"Bus error", "SIGBUS"},           {"Floating point exception", "SIGFPE"},
      {"Illegal instruction", "SIGILL"},
  };
  for (const auto& [words, signal] : kSignals) {
    if (absl::StartsWith(message, words)) return std::string(signal);
  }
  return "";
}

}  // namespace forkcheck
