#include "cli/config.h"

#include <cctype>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <vector>

#include "core/str_cat.h"

namespace sessionrec::cli {
namespace {

constexpr std::string_view kConfigFlag = "--config";
constexpr std::string_view kReferenceFlag = "--config-reference";

bool EnvSet(const std::string& name) {
  const char* v = name.empty() ? nullptr : std::getenv(name.c_str());
  return v != nullptr && *v != '\0';  // CLI11 also ignores an empty variable
}

// Options that are about the command line itself, not settings.
bool IsMeta(const CLI::App& app, const CLI::Option& opt) {
  if (&opt == app.get_help_ptr() || &opt == app.get_help_all_ptr()) return true;
  if (&opt == app.get_config_ptr()) return true;
  return opt.check_lname("version") || opt.check_lname(std::string(kReferenceFlag.substr(2)));
}

// As CLI11 tells flags (App::_parse_single_config).
bool IsFlag(const CLI::Option& opt) { return opt.get_expected_min() == 0; }

// Every option that takes part in configuration, in registration order.
std::vector<const CLI::Option*> SettingOptions(const CLI::App& app) {
  std::vector<const CLI::Option*> out;
  for (const CLI::Option* opt : app.get_options()) {
    if (!IsMeta(app, *opt) && !opt->get_lnames().empty()) out.push_back(opt);
  }
  return out;
}

// Finds the option a config item names, as CLI11 itself does (App::_parse_single_config);
// `*app` is set to the command that holds it. Null when the section or key is unknown.
const CLI::Option* FindConfigOption(const CLI::App& root, const CLI::ConfigItem& item,
                                    const CLI::App** app) {
  const CLI::App* a = &root;
  for (const std::string& section : item.parents) {
    const CLI::App* next = nullptr;
    for (const CLI::App* sub : a->get_subcommands({})) {
      if (sub->check_name(section)) next = sub;
    }
    if (next == nullptr) return nullptr;
    a = next;
  }
  *app = a;
  for (const std::string& name : {"--" + item.name, "-" + item.name, item.name}) {
    if (name.size() == 2 && name[0] == '-' && name[1] != '-') continue;
    const CLI::Option* opt = a->get_option_no_throw(name);
    if (opt != nullptr) return opt;
  }
  return nullptr;
}

std::string KnownKeys(const CLI::App& app) {
  std::string out;
  for (const CLI::Option* opt : SettingOptions(app)) {
    out += (out.empty() ? "" : ", ") + opt->get_lnames().front();
  }
  return out.empty() ? "none" : out;
}

std::string KnownSections(const CLI::App& root) {
  std::string out;
  for (const CLI::App* sub : root.get_subcommands({})) {
    out += StrCat(out.empty() ? "" : ", ", "[", sub->get_name(), "]");
  }
  return out;
}

// CLI11 reads the config file before the environment and lets the first value win, which
// would put the file above the environment. This reader drops the file's value of every
// option whose variable is set, so the environment wins; it also turns an unknown section
// or key into an error that names the file.
class PrecedenceConfig : public CLI::ConfigTOML {
 public:
  explicit PrecedenceConfig(const CLI::App* root) : root_(root) {}

  std::vector<CLI::ConfigItem> from_config(std::istream& input) const override {
    std::vector<CLI::ConfigItem> parsed = CLI::ConfigTOML::from_config(input);
    std::vector<CLI::ConfigItem> kept;
    for (CLI::ConfigItem& item : parsed) {
      const bool section_marker = item.name == "++" || item.name == "--";
      const CLI::App* app = nullptr;
      const CLI::Option* opt = nullptr;
      if (section_marker) {
        CLI::ConfigItem probe = item;
        probe.name = "help";  // only the section is looked up
        FindConfigOption(*root_, probe, &app);
      } else {
        opt = FindConfigOption(*root_, item, &app);
      }
      if (app == nullptr) {
        throw CLI::ConfigError(StrCat("config file ", FileName(), ": unknown section [",
                                      CLI::detail::join(item.parents, "."),
                                      "] (known: ", KnownSections(*root_), ")"));
      }
      if (section_marker) {
        kept.push_back(std::move(item));
        continue;
      }
      if (opt == nullptr || IsMeta(*app, *opt)) {
        const std::string where = app == root_ ? std::string("before the first section")
                                               : StrCat("in section [", app->get_name(), "]");
        throw CLI::ConfigError(StrCat("config file ", FileName(), ": unknown key \"", item.name,
                                      "\" ", where, " (known: ", KnownKeys(*app), ")"));
      }
      if (EnvSet(opt->get_envname())) continue;  // the environment wins over the file
      kept.push_back(std::move(item));
    }
    return kept;
  }

 private:
  std::string FileName() const {
    const CLI::Option* config = root_->get_config_ptr();
    if (config == nullptr) return "?";
    if (!config->results().empty()) return config->results().front();
    return config->get_default_str();
  }

  const CLI::App* root_;
};

// "-i,--input": every short and long name, without CLI11's "{default}" decorations.
std::string Names(const CLI::Option& opt) {
  std::string out;
  for (const std::string& n : opt.get_snames()) out += StrCat(out.empty() ? "" : ",", "-", n);
  for (const std::string& n : opt.get_lnames()) out += StrCat(out.empty() ? "" : ",", "--", n);
  return out;
}

std::string Cell(std::string text) {
  std::string out;
  for (char c : text) {
    if (c == '|') out += '\\';
    out += c == '\n' ? ' ' : c;
  }
  return out;
}

void AppendTable(const CLI::App& app, const std::string& title, std::string* out) {
  std::vector<const CLI::Option*> options = SettingOptions(app);
  if (options.empty()) return;
  *out += StrCat("### ", title, "\n\n");
  if (app.get_parent() != nullptr) {
    *out += StrCat("Config section `[", app.get_name(), "]`.\n\n");
  }
  *out += "| option | environment | config key | default | description |\n";
  *out += "|---|---|---|---|---|\n";
  for (const CLI::Option* opt : options) {
    std::string def = IsFlag(*opt) ? std::string("(flag)") : opt->get_default_str();
    if (def.empty()) def = "—";
    const std::string required = opt->get_required() ? " (required)" : "";
    *out += StrCat("| `", Cell(Names(*opt)), "` | `", opt->get_envname(), "` | `",
                   opt->get_lnames().front(), "` | ", Cell(def), " | ",
                   Cell(opt->get_description()), required, " |\n");
  }
  *out += "\n";
}

}  // namespace

std::string EnvNameFor(std::string_view long_name) {
  while (!long_name.empty() && long_name.front() == '-') long_name.remove_prefix(1);
  std::string out = "SESSIONREC_";
  for (char c : long_name) {
    out += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return out;
}

void EnableConfiguration(CLI::App& app) {
  // SESSIONREC_CONFIG names the default file; a file named there must then exist.
  const std::string env_config =
      EnvSet("SESSIONREC_CONFIG") ? std::getenv("SESSIONREC_CONFIG") : "";
  CLI::Option* config = app.set_config(
      std::string(kConfigFlag), env_config,
      "read settings from this TOML/INI file (env SESSIONREC_CONFIG); precedence: command line "
      "> SESSIONREC_* environment > config file > default",
      /*config_required=*/!env_config.empty());
  config->expected(1);
  config->type_name("FILE");
  app.config_formatter(std::make_shared<PrecedenceConfig>(&app));
  app.allow_config_extras(CLI::config_extras_mode::error);
  app.add_flag_callback(
         std::string(kReferenceFlag),
         [&app] {
           std::cout << ConfigReference(app);
           throw CLI::Success();
         },
         "print every option with its environment variable, config key and default "
         "(Markdown) and exit")
      ->configurable(false);

  std::vector<CLI::App*> apps = {&app};
  for (CLI::App* sub : app.get_subcommands({})) apps.push_back(sub);
  for (CLI::App* a : apps) {
    // Root options (e.g. --quiet) are accepted after the subcommand too.
    if (a != &app) a->fallthrough();
    for (CLI::Option* opt : a->get_options()) {
      if (IsMeta(*a, *opt) || opt->get_lnames().empty()) continue;
      opt->envname(EnvNameFor(opt->get_lnames().front()));
      if (!IsFlag(*opt)) opt->capture_default_str();
    }
  }
}

std::string ConfigReference(const CLI::App& app) {
  std::string out;
  AppendTable(app, "sessionrec (all commands)", &out);
  for (const CLI::App* sub : app.get_subcommands({})) {
    AppendTable(*sub, StrCat("sessionrec ", sub->get_name()), &out);
  }
  return out;
}

}  // namespace sessionrec::cli
