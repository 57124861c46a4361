// The administration commands' shared parts: see admin.h.
#include "admin.h"

#include <algorithm>
#include <cstdio>
#include <utility>

namespace everyseat::cli {

int Refuse(std::string_view command, std::string_view reason) {
  std::fprintf(stderr, "everyseat %.*s: %.*s\n", static_cast<int>(command.size()), command.data(),
               static_cast<int>(reason.size()), reason.data());
  return 2;
}

std::string Describe(const store::StoreError& error) { return error.message; }

Outcome<std::unique_ptr<store::Store>> OpenDatabase(std::string_view url) {
  if (url.empty()) return tl::unexpected(std::string("--db is required"));
  auto opened = store::Store::Open(url, store::Durability::kNormal);
  if (!opened) {
    return tl::unexpected("cannot open the database: " + Describe(opened.error()));
  }
  return std::move(*opened);
}

Outcome<std::optional<domain::Organisation>> FindOrganisation(store::Store& store,
                                                              std::string_view name) {
  auto organisations = store.ListOrganisations();
  if (!organisations) return tl::unexpected(Describe(organisations.error()));
  for (domain::Organisation& org : *organisations) {
    if (org.name == name) return std::optional<domain::Organisation>(std::move(org));
  }
  return std::optional<domain::Organisation>();
}

Outcome<domain::Organisation> RequireOrganisation(store::Store& store, std::string_view name) {
  auto found = FindOrganisation(store, name);
  if (!found) return tl::unexpected(found.error());
  if (!*found) return tl::unexpected("no organisation named '" + std::string(name) + "'");
  return std::move(**found);
}

SplitArgs SplitPositional(std::span<const std::string_view> args, const FlagSet& flags) {
  SplitArgs split;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string_view arg = args[i];
    if (!arg.starts_with("--") || arg.size() < 3) {
      split.positional.push_back(arg);
      continue;
    }
    split.flags.push_back(arg);
    const std::string_view name = arg.substr(2);
    if (name.find('=') != std::string_view::npos) continue;
    const bool takes_value =
        std::find(flags.with_value.begin(), flags.with_value.end(), name) != flags.with_value.end();
    if (takes_value && i + 1 < args.size() && !args[i + 1].starts_with("--")) {
      split.flags.push_back(args[++i]);
    }
  }
  return split;
}

bool HasFlag(std::span<const std::string_view> args, std::string_view flag) {
  return std::find(args.begin(), args.end(), flag) != args.end();
}

std::string WithCommas(int64_t number) {
  std::string digits = std::to_string(number < 0 ? -number : number);
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return number < 0 ? "-" + out : out;
}

std::string Count(int64_t number, std::string_view one, std::string_view many) {
  return std::to_string(number) + " " + std::string(number == 1 ? one : many);
}

}  // namespace everyseat::cli
