#include "cli/ranges.h"

#include <charconv>

#include "base/strings.h"
#include "cli/scheduler_shard.h"

namespace coupongen {

std::optional<uint64_t> ParseDecimal(std::string_view s) {
  uint64_t v = 0;
  if (s.empty() || s[0] < '0' || s[0] > '9') return std::nullopt;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

std::optional<SequenceRange> ParseRange(std::string_view text, std::string* error) {
  size_t colon = text.find(':');
  auto start = colon == std::string_view::npos ? std::nullopt : ParseDecimal(text.substr(0, colon));
  auto count = colon == std::string_view::npos ? std::nullopt : ParseDecimal(text.substr(colon + 1));
  if (!start || !count) {
    *error = "must be START:COUNT in decimal, e.g. 0:10000 (sequence numbers START to START+COUNT-1)";
    return std::nullopt;
  }
  if (*count == 0 || *count > static_cast<uint64_t>(INT64_MAX)) {
    *error = "COUNT must be between 1 and " + WithThousands(INT64_MAX);
    return std::nullopt;
  }
  if (*count - 1 > UINT64_MAX - *start) {
    *error = "START + COUNT goes past 2^64";
    return std::nullopt;
  }
  return SequenceRange{*start, *count};
}

std::optional<Shard> ParseShard(std::string_view text, std::string* error) {
  size_t slash = text.find('/');
  auto index = slash == std::string_view::npos ? std::nullopt : ParseDecimal(text.substr(0, slash));
  auto count = slash == std::string_view::npos ? std::nullopt : ParseDecimal(text.substr(slash + 1));
  if (!index || !count) {
    *error = "must be I/N, e.g. 0/4 for the first of 4 shards (I counts from 0), or auto (from the cluster scheduler)";
    return std::nullopt;
  }
  if (*count < 1 || *count > 1000000) {
    *error = "N must be between 1 and 1,000,000";
    return std::nullopt;
  }
  if (*index >= *count) {
    *error = "I must be below N (shards are numbered 0 to " + std::to_string(*count - 1) + ")";
    return std::nullopt;
  }
  return Shard{*index, *count};
}

namespace {

// --range START:COUNT; its COUNT is the run's (-n, when given, must agree).
Status ReadRange(const po::variables_map& vm, KeyedFlags* flags, std::optional<int64_t>* count) {
  if (!vm.count("range")) return Status::Ok();
  std::string why, text = vm["range"].as<std::string>();
  flags->range = ParseRange(text, &why);
  if (!flags->range) return Status::Usage("generate: --range: " + why + ", not '" + text + "'");
  const auto n = static_cast<int64_t>(flags->range->count);
  if (*count && **count != n)
    return Status::Usage("generate: -n " + std::to_string(**count) + " and --range " + text +
                         " give different counts: --range's COUNT is the count (leave -n out)");
  *count = n;
  return Status::Ok();
}

// --shard auto (with --shards N from the scheduler's environment) or --shard I/N.
Status ReadShard(const po::variables_map& vm, KeyedFlags* flags, Diagnostics& diag) {
  const bool auto_shard = vm.count("shard") && vm["shard"].as<std::string>() == "auto";
  std::optional<uint64_t> shards;
  std::string why;
  if (vm.count("shards")) {
    std::string text = vm["shards"].as<std::string>();
    if (!auto_shard) return Status::Usage("generate: --shards needs --shard auto (with --shard I/N, N is the number of shards)");
    shards = ParseDecimal(text);
    if (!shards || *shards < 1 || *shards > 1000000)
      return Status::Usage("generate: --shards: must be a number of shards between 1 and 1,000,000, not '" + text + "'");
  }
  if (auto_shard) {
    auto from = ShardFromScheduler(SchedulerEnvironment(), shards, &why);
    if (!from) return Status::Usage("generate: --shard auto: " + why);
    flags->shard = from->shard;
    if (!vm.count("quiet"))
      diag.Info("coupongen: --shard auto: shard " + std::to_string(from->shard.index) + "/" +
                std::to_string(from->shard.count) + " (" + from->source + ")");
  } else if (vm.count("shard")) {
    std::string text = vm["shard"].as<std::string>();
    flags->shard = ParseShard(text, &why);
    if (!flags->shard) return Status::Usage("generate: --shard: " + why + ", not '" + text + "'");
  }
  return Status::Ok();
}

}  // namespace

Status ReadKeyedFlags(const po::variables_map& vm, KeyedFlags* flags, std::optional<int64_t>* count, Diagnostics& diag) {
  COUPONGEN_RETURN_IF_ERROR(ReadRange(vm, flags, count));
  COUPONGEN_RETURN_IF_ERROR(ReadShard(vm, flags, diag));
  flags->create_key = vm.count("create-key") > 0;
  if (flags->create_key && (flags->range || flags->shard))
    return Status::Usage("generate: --create-key cannot be used with --range or --shard: every part of a campaign must "
                         "use the same key, so create it once (coupongen keygen FILE) and copy it to each machine");
  return Status::Ok();
}

}  // namespace coupongen
