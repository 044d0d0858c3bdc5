// soc-agent: tails log files and ships every line to Kafka, at least once.
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <CLI/CLI.hpp>

#include <atomic>
#include <csignal>
#include <iostream>

#include "agent/agent.h"
#include "agent/agent_config.h"
#include "agent/discovery.h"
#include "common/logging.h"

namespace {

std::atomic<bool> g_stop{false};
std::atomic<bool> g_reload{false};
std::atomic<bool> g_leave_run{false};  // ends Agent::run for either of the two above

void on_signal(int sig) {
  if (sig == SIGHUP) {
    g_reload.store(true);
  } else {
    g_stop.store(true);
  }
  g_leave_run.store(true);
}

// SIGHUP: the running agent stops as on SIGTERM (in-flight lines flushed, checkpoints and spool
// saved), then an agent with the re-read configuration starts from those checkpoints, so nothing
// a file or the journal holds is lost. A configuration that does not load, or an agent that cannot
// start with it, is logged and the previous configuration is started again.
soc::Result<std::unique_ptr<soc::Agent>> reload(const std::string& path,
                                                soc::AgentConfig& current) {
  spdlog::info("SIGHUP: reloading {}", path);
  auto next = soc::load_agent_config(path);
  if (next) {
    const auto level = spdlog::level::from_str(next->log_level);
    if (level != spdlog::level::off || next->log_level == "off") spdlog::set_level(level);
    soc::AgentConfig candidate = *next;
    auto agent = soc::Agent::create(std::move(*next));
    if (agent) {
      current = std::move(candidate);
      spdlog::info("reload done");
      return agent;
    }
    spdlog::error("reload: {}", agent.error());
  } else {
    spdlog::error("reload: {}", next.error());
  }
  spdlog::error("reload failed: starting again with the previous configuration");
  soc::AgentConfig previous = current;
  return soc::Agent::create(std::move(previous));
}

}  // namespace

int main(int argc, char** argv) {
  // Backstop for any file created without an explicit mode: state and spool hold log lines.
  ::umask(077);
  CLI::App app{"soc-agent: ships log lines to the SOC collector through Kafka"};
  std::string config_path;
  std::string check_path;
  app.add_option("-c,--config", config_path, "agent configuration file (YAML)");
  app.add_option("--check-config", check_path, "validate a configuration file and exit");
  bool discover = false;
  soc::DiscoveryOptions discovery;
  std::string discover_write;
  app.add_flag("--discover", discover,
               "print a configuration with the inputs that apply to this host and exit");
  app.add_option("--discover-root", discovery.root,
                 "with --discover: look for /var/log and /run/log under this directory");
  app.add_option("--write", discover_write,
                 "with --discover: check the configuration and write it to this new file");
  app.add_option("--org", discovery.org, "with --discover: the organisation code to write");
  app.add_option("--brokers", discovery.brokers,
                 "with --discover: the SOC's Kafka brokers to write (comma-separated)");
  bool config_reference = false;
  app.add_flag("--config-reference", config_reference,
               "print every configuration key (type, default, range, help) as markdown and exit");
  app.set_version_flag("--version", std::string("soc-agent ") + SOC_VERSION);
  CLI11_PARSE(app, argc, argv);

  if (config_reference) {
    std::cout << soc::agent_config_reference();
    return 0;
  }

  if (discover) {
    const std::string text =
        soc::render_discovered_config(soc::discover_inputs(discovery), discovery);
    if (discover_write.empty()) {
      std::cout << text;
      return 0;
    }
    if (auto st = soc::write_checked_config(discover_write, text); !st) {
      std::cerr << "soc-agent: " << st.error() << "\n";
      return 2;
    }
    std::cerr << "soc-agent: wrote " << discover_write << "\n";
    return 0;
  }
  if (!discover_write.empty() || discovery.root != "/" || !discovery.org.empty() ||
      !discovery.brokers.empty()) {
    std::cerr << "soc-agent: --write, --discover-root, --org and --brokers go with --discover\n";
    return 2;
  }
  if (!check_path.empty()) {
    auto cfg = soc::load_agent_config(check_path);
    if (!cfg) {
      std::cerr << cfg.error() << "\n";
      return 2;
    }
    std::cout << check_path << ": OK (" << cfg->files.size() << " file inputs"
              << (cfg->spool.enabled ? ", disk spool" : "") << (cfg->redaction ? ", redaction" : "")
              << (cfg->metrics_listen.empty() ? "" : ", /metrics")
              << (cfg->journald_default ? ", no input configured: the journal's security entries"
                  : cfg->journald       ? ", journal"
                                        : "")
              << ")\n";
    return 0;
  }
  if (config_path.empty()) {
    std::cerr << "soc-agent: --config FILE is required (see --help)\n";
    return 2;
  }
  auto cfg = soc::load_agent_config(config_path);
  if (!cfg) {
    std::cerr << "soc-agent: " << cfg.error() << "\n";
    return 2;
  }
  if (!soc::init_logging("soc-agent", cfg->log_level)) {
    std::cerr << "soc-agent: " << config_path << ": unknown log_level '" << cfg->log_level << "'\n";
    return 2;
  }
  if (cfg->journald_default) {
    spdlog::info(
        "no input configured: reading the {} journal for the security units and "
        "identifiers",
        cfg->journald->directory.empty() ? "local" : cfg->journald->directory);
  }
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, nullptr);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGHUP, &sa, nullptr);
  // A full disk or a file size limit must surface as a write error the spool counts, not kill
  // the agent; a closed /metrics client likewise.
  ::signal(SIGXFSZ, SIG_IGN);
  ::signal(SIGPIPE, SIG_IGN);

  soc::AgentConfig current = *cfg;
  auto agent = soc::Agent::create(std::move(*cfg));
  while (true) {
    if (!agent) {
      spdlog::critical("{}", agent.error());
      return 1;
    }
    if (auto st = (*agent)->run(g_leave_run); !st) {
      spdlog::critical("{}", st.error());
      return 1;
    }
    if (g_stop.load()) break;
    g_reload.store(false);
    g_leave_run.store(false);
    agent->reset();  // release files, listening ports and the producer before the next agent
    agent = reload(config_path, current);
  }
  spdlog::info("stopped cleanly");
  return 0;
}
