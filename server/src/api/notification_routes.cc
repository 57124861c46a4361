// Notifications of the caller's teams (special-cause points and changes of icon), marked seen by
// each person; and the live event stream, scoped to the caller's organisation (and, for an API
// token, its team).
#include <utility>

#include "context.h"

namespace everyseat::server {

using api::Caller;
using api::MakeProblem;
using api::Outcome;
using api::Refuse;
using domain::Action;

void Api::Impl::AddNotificationRoutes(Router& router) {
  std::vector<ParameterDoc> list_params = {
      {"team", "query", "only this team's (default: every team the person belongs to or leads)",
       false, json{{"type", "integer"}, {"minimum", 1}}},
      {"unseen", "query", "true: only those not yet marked seen", false, json{{"type", "boolean"}}},
      {"after", "query", "only ids greater than this (paging)", false,
       json{{"type", "integer"}, {"minimum", 0}}},
      {"limit", "query", "at most this many, newest first (1-500, default 100)", false,
       json{{"type", "integer"}, {"minimum", 1}, {"maximum", 500}}}};
  router.Add(
      "GET", "/api/v1/notifications",
      api::Doc("Notifications for my teams, newest first", "notifications",
               api::JsonDoc(200, "The notifications", api::ListOf("notifications", "Notification")),
               nullptr, list_params),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          store::NotificationQuery query;
          std::vector<FieldError> errors;
          auto integer = [&](std::string_view name, int64_t low, int64_t high) -> int64_t {
            const auto text = r.Query(name);
            if (!text) return -1;
            int64_t value = 0;
            bool ok = !text->empty() && text->size() <= 18;
            for (const char c : *text) {
              ok = ok && c >= '0' && c <= '9';
              value = value * 10 + (c - '0');
            }
            if (!ok || value < low || value > high) {
              errors.push_back({std::string(name), "must be a whole number from " +
                                                       std::to_string(low) + " to " +
                                                       std::to_string(high)});
              return -1;
            }
            return value;
          };
          const int64_t team = integer("team", 1, INT64_MAX);
          const int64_t after = integer("after", 0, INT64_MAX);
          const int64_t limit = integer("limit", 1, 500);
          if (auto unseen = r.Query("unseen")) {
            if (*unseen == "true") {
              query.unseen_only = true;
            } else if (*unseen != "false") {
              errors.push_back({"unseen", "must be true or false"});
            }
          }
          if (!errors.empty()) {
            return tl::unexpected(ProblemResponse(
                MakeProblem(400, "the query parameters are not valid", std::move(errors))));
          }
          if (after >= 0) query.after_id = after;
          if (limit > 0) query.limit = static_cast<int>(limit);
          if (team > 0) {
            if (auto allowed =
                    Authorise(store, caller, Action::kViewMeasures, domain::TeamId(team));
                !allowed) {
              return tl::unexpected(std::move(allowed.error()));
            }
            query.teams.emplace_back(team);
          } else if (const auto* token = std::get_if<domain::TokenPrincipal>(&caller.principal)) {
            query.teams.push_back(token->team);
          } else {
            const auto& person = std::get<domain::PersonPrincipal>(caller.principal);
            auto all = store.ListTeams(caller.org);
            if (!all) return Refuse(all.error());
            const domain::TeamTree tree(*all);
            for (const domain::Team& t : *all) {
              for (const domain::Membership& m : person.memberships) {
                const bool mine = m.team == t.id || (m.role == domain::TeamRole::kLead &&
                                                     tree.IsAtOrBelow(t.id, m.team));
                if (mine) {
                  query.teams.push_back(t.id);
                  break;
                }
              }
            }
          }
          auto notifications = store.ListNotifications(
              caller.org, caller.person.value_or(domain::PersonId()), query);
          if (!notifications) return Refuse(notifications.error());
          return JsonResponse(200, api::ListJson("notifications", *notifications));
        });
      });

  router.Add(
      "POST", "/api/v1/notifications/{notification}/seen",
      api::Doc("Mark a notification seen (for me)", "notifications",
               {204, "Marked seen", "", nullptr}, nullptr,
               {api::PathParameter("notification", "the notification's id")}),
      [this](const Request& r) {
        return Serve(r, [&](store::Store& store, const Caller& caller) -> Outcome<Response> {
          auto id = api::PathId(r, "notification");
          if (!id) return tl::unexpected(std::move(id.error()));
          if (!caller.person) return Refuse(403, "an API token cannot mark notifications");
          auto notification =
              store.GetNotification(caller.org, *caller.person, domain::NotificationId(*id));
          if (!notification) return Refuse(notification.error());
          if (auto allowed = Authorise(store, caller, Action::kViewMeasures, notification->team);
              !allowed) {
            return tl::unexpected(std::move(allowed.error()));
          }
          auto marked =
              store.MarkNotificationSeen(caller.org, *caller.person, domain::NotificationId(*id));
          if (!marked) return Refuse(marked.error());
          Response response;
          response.status = 204;
          return response;
        });
      });
}

}  // namespace everyseat::server
