// What every podml command shares: the -q/-v flags and errors with a next step.
#include "Commands.h"

#include "podml/Exceptions.h"

#include <cerrno>
#include <charconv>
#include <cstring>
#include <filesystem>
#include <limits>
#include <unistd.h>
#include <vector>

namespace podml::cli {

namespace {
std::vector<char*> g_argv;
} // namespace

void setCommandLine(int argc, char** argv) { g_argv.assign(argv, argv + argc); }

void execHelper(const std::string& name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  std::vector<fs::path> candidates;
  if (!ec) {
    candidates.push_back(self.parent_path() / name);
    candidates.push_back(self.parent_path() / ".." / "libexec" / "podml" / name);
  }
  for (const auto& c : candidates) {
    if (::access(c.c_str(), X_OK) != 0) {
      continue;
    }
    std::vector<char*> args = g_argv;
    std::string path = c.string();
    if (args.empty()) {
      args.push_back(path.data());
    } else {
      args[0] = path.data();
    }
    args.push_back(nullptr);
    std::fflush(stdout);
    ::execv(path.c_str(), args.data());
    throw CliError(kExitBadData, "cannot start '" + path + "': " + std::strerror(errno));
  }
  throw CliError(kExitBadData, "cannot find the helper program '" + name + "' next to '" + self.string() +
                                   "' or in its ../libexec/podml",
                 "reinstall podml: the helper is part of the installation");
}

void addGlobalFlags(CLI::App& app, GlobalOptions& g) {
  // On every level, so that the flags work before and after a command's name. Bound to
  // the same variables: CLI11 stores a flag only where it is given.
  app.add_flag("-q,--quiet", g.quiet, "print nothing on stdout except a requested --json document; no progress bar");
  app.add_flag("-v,--verbose", g.verbose, "print more detail (inputs, settings, counts) on stdout");
  for (auto* sub : app.get_subcommands([](CLI::App*) { return true; })) {
    addGlobalFlags(*sub, g);
  }
}

void withHint(const std::function<void()>& f, const std::function<std::string(const std::string& what)>& hintFor) {
  try {
    f();
  } catch (const UsageError& e) {
    throw CliError(kExitBadUsage, e.what(), hintFor(e.what()));
  } catch (const Error& e) {
    throw CliError(kExitBadData, e.what(), hintFor(e.what()));
  }
}

void withHint(const std::function<void()>& f, const std::string& hint) {
  withHint(f, [&hint](const std::string&) { return hint; });
}

CLI::Validator nonNegativeInteger() {
  return CLI::Validator(
      [](const std::string& text) {
        if (text.starts_with('-')) {
          return "Value " + text + " is negative";
        }
        // CLI11 would clamp a value beyond uint64 silently (a toy of 2^64 events, a full disk).
        uint64_t v = 0;
        const auto* end = text.data() + text.size();
        const auto [ptr, ec] = std::from_chars(text.data(), end, v);
        if (ec == std::errc::result_out_of_range) {
          return "Value " + text + " is larger than " + std::to_string(std::numeric_limits<uint64_t>::max());
        }
        if (ec != std::errc() || ptr != end) {
          return "Value " + text + " is not a whole number";
        }
        return std::string();
      },
      "");
}

std::string shellQuote(const std::string& s) {
  if (!s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=,+@%") ==
                        std::string::npos) {
    return s;
  }
  std::string q = "'";
  for (const char c : s) {
    q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  }
  return q + "'";
}

} // namespace podml::cli
