// The steps of stories and reflections (story_steps.h): each loads what it needs, authorises,
// applies the rule of domain/story.h and stores the result in one transaction.
#include "story_steps.h"

#include <algorithm>
#include <ctime>
#include <set>
#include <utility>

namespace everyseat::server::api {
namespace {

using domain::PersonId;
using domain::Story;
using domain::StoryState;

constexpr int64_t kDay = 24 * 60 * 60;

int64_t Now(const Api::Impl& impl) {
  const auto& clock = impl.options.store_options.clock;
  return clock ? clock() : static_cast<int64_t>(std::time(nullptr));
}

template <class T>
bool Contains(const std::vector<T>& items, const T& item) {
  return std::find(items.begin(), items.end(), item) != items.end();
}

template <class T>
void AddOnce(std::vector<T>& items, const T& item) {
  if (!Contains(items, item)) items.push_back(item);
}

bool HasRole(const Caller& caller, domain::OrgRole role) {
  const auto* person = std::get_if<domain::PersonPrincipal>(&caller.principal);
  return person != nullptr && Contains(person->roles, role);
}

Outcome<PersonId> PersonOf(const Caller& caller) {
  if (!caller.person) return Refuse(403, "an API token cannot read or take part in stories");
  return *caller.person;
}

// The topics of a story's events: the organisation and every team it belongs to or names.
std::vector<std::string> Topics(const Story& story) {
  std::vector<std::string> topics = {"org:" + std::to_string(story.org.value)};
  if (story.team) topics.push_back("team:" + std::to_string(story.team->value));
  for (const domain::TeamId team : story.teams) {
    AddOnce(topics, "team:" + std::to_string(team.value));
  }
  return topics;
}

void Announce(Api::Impl& impl, store::Store& store, const Story& story, std::string_view change) {
  impl.Broadcast(store, "story",
                 {{"story", story.id.value},
                  {"team", story.team ? json(story.team->value) : json(nullptr)},
                  {"state", domain::Name(story.state)},
                  {"change", change}},
                 Topics(story));
}

// The story, if the caller may see it; 404 for one they may not (its existence is not told).
Outcome<Story> Visible(store::Store& store, const Caller& caller, const People& people,
                       domain::StoryId id) {
  auto story = store.GetStory(caller.org, id);
  if (!story) return Refuse(story.error());
  auto viewer = ViewerOf(store, caller, people);
  if (!viewer) return tl::unexpected(std::move(viewer.error()));
  if (!domain::CanSee(*viewer, *story)) return Refuse(404, "no such story");
  return std::move(*story);
}

// Runs `change` in a transaction; its result is kept only when it and the commit succeed.
template <class T, class F>
Outcome<T> InTransaction(store::Store& store, F&& change) {
  auto tx = store.Begin();
  if (!tx) return Refuse(tx.error());
  Outcome<T> result = change();
  if (!result) return result;
  if (auto committed = tx->Commit(); !committed) return Refuse(committed.error());
  return result;
}

// The team a story belongs to when the author did not say: the first team named, else the first
// team of the first person named.
Outcome<std::optional<domain::TeamId>> DefaultTeam(store::Store& store, domain::OrgId org,
                                                   const StoryDraft& draft,
                                                   const std::vector<PersonId>& people) {
  if (draft.team) return draft.team;
  if (!draft.teams.empty()) return std::optional<domain::TeamId>(draft.teams.front());
  for (const PersonId person : people) {
    auto memberships = store.ListMembershipsOfPerson(org, person);
    if (!memberships) return Refuse(memberships.error());
    if (!memberships->empty()) {
      return std::optional<domain::TeamId>(memberships->front().team);
    }
  }
  return std::optional<domain::TeamId>();
}

std::string Joined(std::string_view title, std::string_view text, std::string_view learning) {
  std::string all(title);
  all += "\n\n";
  all += text;
  all += "\n\n";
  all += learning;
  return all;
}

// A story ready for the wall: complete, or a 422 naming each missing part.
Outcome<void> CheckComplete(const Story& story) {
  std::vector<FieldError> errors;
  if (story.people.empty() && story.teams.empty()) {
    errors.push_back({"/people", "name at least one person or team, or choose 'myself'"});
  }
  if (story.title.empty()) errors.push_back({"/title", "give the story a title"});
  if (story.text.empty()) errors.push_back({"/text", "say what happened"});
  if (story.values.empty()) errors.push_back({"/values", "choose at least one value it showed"});
  if (!errors.empty()) {
    return Refuse(422, "the story is not complete", std::move(errors));
  }
  return {};
}

Outcome<void> CheckLengths(const StoryDraft& draft) {
  std::vector<FieldError> errors;
  if (draft.title.size() > 200) errors.push_back({"/title", "must be at most 200 characters"});
  if (draft.text.size() > 10000) errors.push_back({"/text", "must be at most 10,000 characters"});
  if (draft.learning.size() > 5000) {
    errors.push_back({"/learning", "must be at most 5,000 characters"});
  }
  if (draft.people.size() + draft.teams.size() > 50) {
    errors.push_back({"/people", "name at most 50 people and teams"});
  }
  if (!errors.empty()) return Refuse(422, "the story is too long", std::move(errors));
  return {};
}

json Id(const std::optional<domain::TeamId>& id) { return id ? json(id->value) : json(nullptr); }

template <class T>
json Ids(const std::vector<T>& ids) {
  json out = json::array();
  for (const T& id : ids) out.push_back(id.value);
  return out;
}

json Time(const std::optional<int64_t>& at) { return at ? json(*at) : json(nullptr); }

}  // namespace

// --- People and viewers.

const domain::Person* People::Find(PersonId id) const {
  for (const domain::Person& person : all) {
    if (person.id == id) return &person;
  }
  return nullptr;
}

std::vector<PersonId> People::ReportsOf(PersonId manager) const {
  std::vector<PersonId> reports;
  for (const domain::Person& person : all) {
    if (person.line_manager == manager) reports.push_back(person.id);
  }
  return reports;
}

std::optional<PersonId> People::ManagerOf(PersonId person) const {
  const domain::Person* found = Find(person);
  return found != nullptr ? found->line_manager : std::nullopt;
}

Outcome<People> LoadPeople(store::Store& store, domain::OrgId org) {
  auto all = store.ListPeople(org);
  if (!all) return Refuse(all.error());
  return People{std::move(*all)};
}

Outcome<domain::StoryViewer> ViewerOf(store::Store& /*store*/, const Caller& caller,
                                      const People& people) {
  domain::StoryViewer viewer;
  if (!caller.person) return viewer;  // a token sees published stories only
  viewer.person = *caller.person;
  viewer.moderator = HasRole(caller, domain::OrgRole::kModerator);
  viewer.reports = people.ReportsOf(*caller.person);
  return viewer;
}

std::vector<domain::Finding> GuardStory(std::string_view title, std::string_view text,
                                        std::string_view learning) {
  return domain::FindPatientDetails(Joined(title, text, learning));
}

// --- Stories.

Outcome<void> CheckSubmittable(const StoryDraft& draft) {
  Story story;
  if (draft.about_myself) story.people.emplace_back(1);  // stands for the author
  story.people.insert(story.people.end(), draft.people.begin(), draft.people.end());
  story.teams = draft.teams;
  story.title = draft.title;
  story.text = draft.text;
  story.values = draft.values;
  return CheckComplete(story);
}

Outcome<Story> SaveDraft(Api::Impl& impl, store::Store& store, const Caller& caller,
                         std::optional<domain::StoryId> id, const StoryDraft& draft) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  if (auto allowed = impl.Authorise(store, caller, domain::Action::kRecordStory, std::nullopt);
      !allowed) {
    return tl::unexpected(std::move(allowed.error()));
  }
  if (auto lengths = CheckLengths(draft); !lengths) return tl::unexpected(lengths.error());

  Story story;
  std::string verb = "update";
  if (id) {
    auto stored = store.GetStory(caller.org, *id);
    if (!stored) return Refuse(stored.error());
    if (stored->author != *me) {
      // Someone who may see it but did not write it may not change it; others do not learn it
      // exists.
      auto people = LoadPeople(store, caller.org);
      if (!people) return tl::unexpected(std::move(people.error()));
      auto viewer = ViewerOf(store, caller, *people);
      if (!viewer) return tl::unexpected(std::move(viewer.error()));
      if (!domain::CanSee(*viewer, *stored)) return Refuse(404, "no such story");
      return Refuse(403, "only the story's author can change it");
    }
    switch (stored->state) {
      case StoryState::kDraft:
        break;
      case StoryState::kInModeration:
      case StoryState::kAwaitingConsent:
      case StoryState::kDeclined:
        verb = "edit";  // back to a draft, to be submitted again
        break;
      case StoryState::kPublished:
      case StoryState::kWithdrawn:
      case StoryState::kRejected:
        return Refuse(409,
                      "a " + std::string(domain::Name(stored->state)) + " story cannot be changed");
    }
    story = std::move(*stored);
  } else {
    story.org = caller.org;
    story.author = *me;
  }
  std::vector<PersonId> people;
  if (draft.about_myself) people.push_back(*me);
  for (const PersonId person : draft.people) AddOnce(people, person);
  std::vector<domain::TeamId> teams;
  for (const domain::TeamId team : draft.teams) AddOnce(teams, team);
  auto team = DefaultTeam(store, caller.org, draft, people);
  if (!team) return tl::unexpected(std::move(team.error()));

  story.people = std::move(people);
  story.teams = std::move(teams);
  story.team = *team;
  story.measure = draft.measure;
  story.title = draft.title;
  story.text = draft.text;
  story.learning = draft.learning;
  story.values.clear();
  for (const domain::TagId tag : draft.values) AddOnce(story.values, tag);
  story.behaviours.clear();
  for (const domain::TagId tag : draft.behaviours) AddOnce(story.behaviours, tag);
  const bool was_draft = story.state == StoryState::kDraft;
  story.state = StoryState::kDraft;
  story.findings_json.clear();
  story.submitted_at.reset();

  return InTransaction<Story>(store, [&]() -> Outcome<Story> {
    if (!id) {
      auto created = store.CreateStory(caller.actor, story);
      if (!created) return Refuse(created.error());
      return std::move(*created);
    }
    if (!was_draft) {
      if (auto cleared = store.ClearConsents(caller.actor, caller.org, story.id); !cleared) {
        return Refuse(cleared.error());
      }
    }
    auto updated = store.UpdateStory(caller.actor, story, verb);
    if (!updated) return Refuse(updated.error());
    return std::move(*updated);
  });
}

Outcome<Submitted> SubmitStory(Api::Impl& impl, store::Store& store, const Caller& caller,
                               domain::StoryId id) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  auto people = LoadPeople(store, caller.org);
  if (!people) return tl::unexpected(std::move(people.error()));
  auto story = Visible(store, caller, *people, id);
  if (!story) return tl::unexpected(std::move(story.error()));
  if (story->author != *me) return Refuse(403, "only the story's author can submit it");
  if (story->state != StoryState::kDraft) {
    return Refuse(409, "the story was submitted already (it is " +
                           std::string(domain::Name(story->state)) + ")");
  }
  if (auto complete = CheckComplete(*story); !complete) return tl::unexpected(complete.error());

  Submitted out;
  out.findings = GuardStory(story->title, story->text, story->learning);
  const int64_t now = Now(impl);
  story->submitted_at = now;
  auto saved = InTransaction<Story>(store, [&]() -> Outcome<Story> {
    if (!out.findings.empty()) {
      story->state = StoryState::kInModeration;
      story->findings_json = DumpJson(FindingsJson(out.findings));
      auto held = store.UpdateStory(caller.actor, *story, "hold");
      if (!held) return Refuse(held.error());
      return std::move(*held);
    }
    for (const PersonId person : domain::ConsentNeeded(*story)) {
      auto asked = store.SetConsent(caller.actor, caller.org, story->id, person,
                                    domain::ConsentState::kPending);
      if (!asked) return Refuse(asked.error());
      story->consents.push_back(*asked);
    }
    story->state = domain::StateAfterConsents(*story);
    if (story->state == StoryState::kPublished) story->published_at = now;
    auto submitted = store.UpdateStory(
        caller.actor, *story, story->state == StoryState::kPublished ? "publish" : "submit");
    if (!submitted) return Refuse(submitted.error());
    return std::move(*submitted);
  });
  if (!saved) return tl::unexpected(std::move(saved.error()));
  out.story = std::move(*saved);
  Announce(impl, store, out.story, "submitted");
  return out;
}

Outcome<Story> DecideConsent(Api::Impl& impl, store::Store& store, const Caller& caller,
                             domain::StoryId id, bool give) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  auto people = LoadPeople(store, caller.org);
  if (!people) return tl::unexpected(std::move(people.error()));
  auto story = Visible(store, caller, *people, id);
  if (!story) return tl::unexpected(std::move(story.error()));
  if (!Contains(domain::ConsentNeeded(*story), *me)) {
    return Refuse(403, "only the people named in a story are asked for consent");
  }
  if (story->state != StoryState::kAwaitingConsent) {
    return Refuse(409, "the story is not waiting for consent (it is " +
                           std::string(domain::Name(story->state)) + ")");
  }
  const auto state = give ? domain::ConsentState::kGiven : domain::ConsentState::kDeclined;
  const int64_t now = Now(impl);
  auto saved = InTransaction<Story>(store, [&]() -> Outcome<Story> {
    auto consent = store.SetConsent(caller.actor, caller.org, id, *me, state);
    if (!consent) return Refuse(consent.error());
    bool replaced = false;
    for (domain::Consent& c : story->consents) {
      if (c.person == *me) {
        c = *consent;
        replaced = true;
      }
    }
    if (!replaced) story->consents.push_back(*consent);
    const StoryState next = domain::StateAfterConsents(*story);
    if (next == story->state) return std::move(*story);
    story->state = next;
    if (next == StoryState::kPublished) story->published_at = now;
    if (next == StoryState::kDeclined) story->closed_at = now;
    auto updated = store.UpdateStory(caller.actor, *story,
                                     next == StoryState::kPublished ? "publish" : "decline");
    if (!updated) return Refuse(updated.error());
    return std::move(*updated);
  });
  if (!saved) return tl::unexpected(std::move(saved.error()));
  Announce(impl, store, *saved, give ? "consent" : "decline");
  return saved;
}

Outcome<Story> WithdrawStory(Api::Impl& impl, store::Store& store, const Caller& caller,
                             domain::StoryId id) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  auto people = LoadPeople(store, caller.org);
  if (!people) return tl::unexpected(std::move(people.error()));
  auto story = Visible(store, caller, *people, id);
  if (!story) return tl::unexpected(std::move(story.error()));
  if (story->author != *me && !Contains(story->people, *me)) {
    return Refuse(403, "only the author or a person named can withdraw a story");
  }
  if (story->state == StoryState::kDraft) {
    return Refuse(409, "a draft is not shared: there is nothing to withdraw");
  }
  if (story->state == StoryState::kWithdrawn || story->state == StoryState::kRejected) {
    return Refuse(409, "the story is " + std::string(domain::Name(story->state)) + " already");
  }
  story->state = StoryState::kWithdrawn;
  story->closed_at = Now(impl);
  auto saved = store.UpdateStory(caller.actor, *story, "withdraw");
  if (!saved) return Refuse(saved.error());
  Announce(impl, store, *saved, "withdrawn");
  return std::move(*saved);
}

Outcome<Story> AcknowledgeStory(Api::Impl& impl, store::Store& store, const Caller& caller,
                                domain::StoryId id, std::string_view note, bool wellbeing_checked) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  if (note.size() > 2000) {
    return Refuse(422, "the note is too long", {{"/note", "must be at most 2,000 characters"}});
  }
  auto people = LoadPeople(store, caller.org);
  if (!people) return tl::unexpected(std::move(people.error()));
  auto story = Visible(store, caller, *people, id);
  if (!story) return tl::unexpected(std::move(story.error()));
  if (story->state != StoryState::kPublished) {
    return Refuse(409, "only a published story is acknowledged");
  }
  // Allowed as the line manager of anyone named, or as a lead of the story's team or of a team
  // it names (domain::Authorise decides that).
  bool allowed = std::any_of(story->people.begin(), story->people.end(),
                             [&](PersonId person) { return people->ManagerOf(person) == *me; });
  std::vector<domain::TeamId> teams = story->teams;
  if (story->team) AddOnce(teams, *story->team);
  for (const domain::TeamId team : teams) {
    if (allowed) break;
    allowed = impl.Authorise(store, caller, domain::Action::kAcknowledgeStory, team).has_value();
  }
  const std::string reason = "not the line manager of anyone in this story, nor a lead of its team";
  if (!allowed) return Refuse(403, reason);
  domain::Acknowledgement ack;
  ack.manager = *me;
  ack.note = std::string(note);
  ack.wellbeing_checked = wellbeing_checked;
  auto added = store.AddAcknowledgement(caller.actor, caller.org, id, ack);
  if (!added) return Refuse(added.error());
  story->acknowledgements.push_back(*added);
  Announce(impl, store, *story, "acknowledged");
  return std::move(*story);
}

Outcome<Story> ThankStory(Api::Impl& impl, store::Store& store, const Caller& caller,
                          domain::StoryId id, std::string_view note) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  if (note.size() > 2000) {
    return Refuse(422, "the note is too long", {{"/note", "must be at most 2,000 characters"}});
  }
  auto people = LoadPeople(store, caller.org);
  if (!people) return tl::unexpected(std::move(people.error()));
  auto story = Visible(store, caller, *people, id);
  if (!story) return tl::unexpected(std::move(story.error()));
  if (story->state != StoryState::kPublished)
    return Refuse(409, "only a published story is thanked");
  domain::Thanks thanks;
  thanks.person = *me;
  thanks.note = std::string(note);
  auto added = store.AddThanks(caller.actor, caller.org, id, thanks);
  if (!added) return Refuse(added.error());
  story->thanks.push_back(*added);
  Announce(impl, store, *story, "thanked");
  return std::move(*story);
}

Outcome<Story> ModerateStory(Api::Impl& impl, store::Store& store, const Caller& caller,
                             domain::StoryId id, const ModerationDecision& decision) {
  if (auto allowed = impl.Authorise(store, caller, domain::Action::kModerateStories, std::nullopt);
      !allowed) {
    return tl::unexpected(std::move(allowed.error()));
  }
  auto story = store.GetStory(caller.org, id);
  if (!story) return Refuse(story.error());
  if (story->state != StoryState::kInModeration) {
    return Refuse(409, "the story is not held for moderation");
  }
  const int64_t now = Now(impl);
  if (!decision.release) {
    if (decision.note.empty()) {
      return Refuse(422, "say why the story is rejected", {{"/note", "give the reason"}});
    }
    story->state = StoryState::kRejected;
    story->moderation_note = decision.note;
    story->closed_at = now;
    auto rejected = store.UpdateStory(caller.actor, *story, "reject");
    if (!rejected) return Refuse(rejected.error());
    Announce(impl, store, *rejected, "rejected");
    return std::move(*rejected);
  }
  const auto findings = GuardStory(decision.title, decision.text, decision.learning);
  if (!findings.empty()) {
    std::vector<FieldError> errors;
    for (const domain::Finding& finding : findings) {
      errors.push_back({"/text", "still has " + std::string(domain::Name(finding.kind)) + " \"" +
                                     finding.text + "\""});
    }
    return Refuse(422, "the story still carries patient details", std::move(errors));
  }
  story->title = decision.title;
  story->text = decision.text;
  story->learning = decision.learning;
  if (auto complete = CheckComplete(*story); !complete) return tl::unexpected(complete.error());
  story->findings_json.clear();
  story->moderation_note = decision.note;
  auto saved = InTransaction<Story>(store, [&]() -> Outcome<Story> {
    story->consents.clear();
    if (auto cleared = store.ClearConsents(caller.actor, caller.org, id); !cleared) {
      return Refuse(cleared.error());
    }
    for (const PersonId person : domain::ConsentNeeded(*story)) {
      auto asked =
          store.SetConsent(caller.actor, caller.org, id, person, domain::ConsentState::kPending);
      if (!asked) return Refuse(asked.error());
      story->consents.push_back(*asked);
    }
    story->state = domain::StateAfterConsents(*story);
    if (story->state == StoryState::kPublished) story->published_at = now;
    auto released = store.UpdateStory(caller.actor, *story, "release");
    if (!released) return Refuse(released.error());
    return std::move(*released);
  });
  if (!saved) return tl::unexpected(std::move(saved.error()));
  Announce(impl, store, *saved, "released");
  return saved;
}

Outcome<Story> ViewStory(store::Store& store, const Caller& caller, domain::StoryId id) {
  if (auto me = PersonOf(caller); !me) return tl::unexpected(std::move(me.error()));
  auto people = LoadPeople(store, caller.org);
  if (!people) return tl::unexpected(std::move(people.error()));
  return Visible(store, caller, *people, id);
}

Outcome<std::vector<Story>> Library(store::Store& store, const Caller& caller,
                                    store::StoryQuery query) {
  if (auto me = PersonOf(caller); !me) return tl::unexpected(std::move(me.error()));
  query.states = {StoryState::kPublished};
  if (query.limit <= 0 || query.limit > 200) query.limit = 200;
  auto stories = store.ListStories(caller.org, query);
  if (!stories) return Refuse(stories.error());
  return std::move(*stories);
}

Outcome<StoryInbox> Inbox(store::Store& store, const Caller& caller) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  auto people = LoadPeople(store, caller.org);
  if (!people) return tl::unexpected(std::move(people.error()));
  auto viewer = ViewerOf(store, caller, *people);
  if (!viewer) return tl::unexpected(std::move(viewer.error()));
  StoryInbox inbox;

  store::StoryQuery about;
  about.about_people = {*me};
  about.limit = 0;
  auto about_me = store.ListStories(caller.org, about);
  if (!about_me) return Refuse(about_me.error());
  for (Story& story : *about_me) {
    if (!domain::CanSee(*viewer, story)) continue;
    if (story.state == StoryState::kAwaitingConsent) {
      for (const domain::Consent& consent : story.consents) {
        if (consent.person == *me && consent.state == domain::ConsentState::kPending) {
          inbox.consent_requests.push_back(story);
        }
      }
    }
    inbox.about_me.push_back(std::move(story));
  }

  const auto unacknowledged_by = [](const Story& story, PersonId manager) {
    return std::none_of(story.acknowledgements.begin(), story.acknowledgements.end(),
                        [&](const domain::Acknowledgement& ack) { return ack.manager == manager; });
  };
  if (!viewer->reports.empty()) {
    store::StoryQuery reports;
    reports.states = {StoryState::kPublished};
    reports.about_people = viewer->reports;
    reports.limit = 0;
    auto stories = store.ListStories(caller.org, reports);
    if (!stories) return Refuse(stories.error());
    for (Story& story : *stories) {
      if (unacknowledged_by(story, *me)) inbox.to_acknowledge.push_back(std::move(story));
    }
    // The reports of my reports, and the stories their own managers have left for 14 days.
    std::vector<PersonId> below;
    for (const PersonId report : viewer->reports) {
      for (const PersonId person : people->ReportsOf(report)) AddOnce(below, person);
    }
    if (!below.empty()) {
      const int64_t now = static_cast<int64_t>(std::time(nullptr));
      store::StoryQuery overdue;
      overdue.states = {StoryState::kPublished};
      overdue.about_people = below;
      overdue.published_to = now - kAcknowledgeWithinDays * kDay;
      overdue.limit = 0;
      auto late = store.ListStories(caller.org, overdue);
      if (!late) return Refuse(late.error());
      for (Story& story : *late) {
        bool waiting = false;
        for (const PersonId person : story.people) {
          const auto manager = people->ManagerOf(person);
          if (manager && Contains(viewer->reports, *manager) &&
              unacknowledged_by(story, *manager)) {
            waiting = true;
          }
        }
        if (waiting) inbox.overdue_below.push_back(std::move(story));
      }
    }
  }

  store::StoryQuery mine;
  mine.author = *me;
  mine.limit = 0;
  auto own = store.ListStories(caller.org, mine);
  if (!own) return Refuse(own.error());
  inbox.mine = std::move(*own);
  return inbox;
}

Outcome<std::vector<Story>> ModerationQueue(store::Store& store, const Caller& caller) {
  const auto* person = std::get_if<domain::PersonPrincipal>(&caller.principal);
  domain::TeamTree tree;
  if (person == nullptr ||
      !domain::Authorise(*person, domain::Action::kModerateStories, {caller.org, {}, {}}, tree)) {
    return Refuse(403, "not a moderator");
  }
  store::StoryQuery query;
  query.states = {StoryState::kInModeration};
  query.limit = 0;
  auto stories = store.ListStories(caller.org, query);
  if (!stories) return Refuse(stories.error());
  return std::move(*stories);
}

Outcome<domain::Equity> RecognitionEquity(store::Store& store, const Caller& caller, int days) {
  const auto* person = std::get_if<domain::PersonPrincipal>(&caller.principal);
  domain::TeamTree tree;
  if (person == nullptr) return Refuse(403, "an API token cannot view recognition equity");
  if (auto decision = domain::Authorise(*person, domain::Action::kViewRecognitionEquity,
                                        {caller.org, {}, {}}, tree);
      !decision) {
    return Refuse(403, decision.reason);
  }
  if (days < 1 || days > 3660) {
    return Refuse(400, "the window is not valid", {{"days", "must be from 1 to 3,660"}});
  }
  auto teams = store.ListTeams(caller.org);
  if (!teams) return Refuse(teams.error());
  auto people = store.ListPeople(caller.org);
  if (!people) return Refuse(people.error());
  std::vector<domain::Membership> memberships;
  for (const domain::Team& team : *teams) {
    auto members = store.ListMembersOfTeam(caller.org, team.id);
    if (!members) return Refuse(members.error());
    memberships.insert(memberships.end(), members->begin(), members->end());
  }
  const int64_t to = static_cast<int64_t>(std::time(nullptr)) + 1;
  // Counted over the window, but the teams without a story look back 90 days whatever it is.
  const int64_t from = to - static_cast<int64_t>(days) * kDay;
  store::StoryQuery query;
  query.states = {StoryState::kPublished};
  query.published_from = std::min(from, to - 90 * kDay);
  query.limit = 0;
  auto stories = store.ListStories(caller.org, query);
  if (!stories) return Refuse(stories.error());
  std::vector<domain::StoryCount> counts;
  for (const Story& story : *stories) {
    counts.push_back({story.published_at.value_or(0), story.people, story.teams});
  }
  return domain::RecognitionEquity(*teams, *people, memberships, counts, from, to);
}

// --- Reflections.

Outcome<domain::Reflection> PostReflection(Api::Impl& impl, store::Store& store,
                                           const Caller& caller, domain::Reflection reflection) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  if (auto allowed = impl.Authorise(store, caller, domain::Action::kPostReflection, std::nullopt);
      !allowed) {
    return tl::unexpected(std::move(allowed.error()));
  }
  std::vector<FieldError> errors;
  if (reflection.title.empty()) errors.push_back({"/title", "give the reflection a title"});
  if (reflection.learned.empty() && reflection.got_wrong.empty() && reflection.changed.empty()) {
    errors.push_back({"/learned", "say what you learned, got wrong or changed"});
  }
  for (const auto& [field, text] :
       {std::pair<std::string_view, const std::string&>{"title", reflection.title},
        {"learned", reflection.learned},
        {"got_wrong", reflection.got_wrong},
        {"changed", reflection.changed}}) {
    if (text.size() > 10000) {
      errors.push_back({"/" + std::string(field), "must be at most 10,000 characters"});
    }
  }
  if (!errors.empty()) return Refuse(422, "the reflection is not complete", std::move(errors));
  reflection.org = caller.org;
  reflection.author = *me;
  auto created = store.CreateReflection(caller.actor, reflection);
  if (!created) return Refuse(created.error());
  impl.Broadcast(store, "reflection", {{"reflection", created->id.value}},
                 {"org:" + std::to_string(caller.org.value)});
  return std::move(*created);
}

Outcome<domain::Reply> ReplyToReflection(Api::Impl& impl, store::Store& store, const Caller& caller,
                                         domain::ReflectionId reflection, std::string_view text) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  if (auto allowed =
          impl.Authorise(store, caller, domain::Action::kReplyToReflection, std::nullopt);
      !allowed) {
    return tl::unexpected(std::move(allowed.error()));
  }
  if (text.empty()) return Refuse(422, "the reply is empty", {{"/text", "write your reply"}});
  if (text.size() > 5000) {
    return Refuse(422, "the reply is too long", {{"/text", "must be at most 5,000 characters"}});
  }
  if (auto found = store.GetReflection(caller.org, reflection); !found) {
    return Refuse(found.error());
  }
  domain::Reply reply;
  reply.org = caller.org;
  reply.reflection = reflection;
  reply.author = *me;
  reply.text = std::string(text);
  auto added = store.AddReply(caller.actor, reply);
  if (!added) return Refuse(added.error());
  impl.Broadcast(store, "reflection",
                 {{"reflection", reflection.value}, {"reply", added->id.value}},
                 {"org:" + std::to_string(caller.org.value)});
  return std::move(*added);
}

Outcome<domain::Reply> HideReply(Api::Impl& impl, store::Store& store, const Caller& caller,
                                 domain::ReplyId reply, std::string_view reason) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  if (auto allowed = impl.Authorise(store, caller, domain::Action::kModerateStories, std::nullopt);
      !allowed) {
    return tl::unexpected(std::move(allowed.error()));
  }
  if (reason.empty()) {
    return Refuse(422, "say why the reply is hidden", {{"/reason", "give the reason"}});
  }
  auto hidden = store.HideReply(caller.actor, caller.org, reply, *me, reason);
  if (!hidden) return Refuse(hidden.error());
  return std::move(*hidden);
}

// --- Subject access.

Outcome<json> ExportAboutMe(store::Store& store, const Caller& caller) {
  auto me = PersonOf(caller);
  if (!me) return tl::unexpected(std::move(me.error()));
  json out;
  auto person = store.GetPerson(caller.org, *me);
  if (!person) return Refuse(person.error());
  out["person"] = ToJson(*person);
  auto memberships = store.ListMembershipsOfPerson(caller.org, *me);
  if (!memberships) return Refuse(memberships.error());
  out["memberships"] = json::array();
  for (const domain::Membership& m : *memberships) {
    out["memberships"].push_back({{"team", m.team.value}, {"role", domain::Name(m.role)}});
  }
  auto roles = store.ListRoles(caller.org, *me);
  if (!roles) return Refuse(roles.error());
  out["roles"] = json::array();
  for (const domain::OrgRole role : *roles) out["roles"].push_back(domain::Name(role));

  // Stories they wrote and stories naming them, with every consent, acknowledgement and thanks.
  std::set<int64_t> seen;
  out["stories"] = json::array();
  store::StoryQuery mine;
  mine.author = *me;
  mine.limit = 0;
  store::StoryQuery about;
  about.about_people = {*me};
  about.limit = 0;
  for (const store::StoryQuery& query : {mine, about}) {
    auto stories = store.ListStories(caller.org, query);
    if (!stories) return Refuse(stories.error());
    for (const Story& story : *stories) {
      if (seen.insert(story.id.value).second) out["stories"].push_back(StoryJson(story));
    }
  }
  // What they did on other people's stories: acknowledgements and thanks they gave.
  out["acknowledgements_given"] = json::array();
  out["thanks_given"] = json::array();
  store::StoryQuery everything;
  everything.limit = 0;
  auto all = store.ListStories(caller.org, everything);
  if (!all) return Refuse(all.error());
  for (const Story& story : *all) {
    for (const domain::Acknowledgement& ack : story.acknowledgements) {
      if (ack.manager == *me) {
        out["acknowledgements_given"].push_back(
            {{"story", story.id.value}, {"note", ack.note}, {"at", ack.at}});
      }
    }
    for (const domain::Thanks& thanks : story.thanks) {
      if (thanks.person == *me) {
        out["thanks_given"].push_back(
            {{"story", story.id.value}, {"note", thanks.note}, {"at", thanks.at}});
      }
    }
  }
  auto reflections = store.ListReflections(caller.org, 0, 0);
  if (!reflections) return Refuse(reflections.error());
  out["reflections"] = json::array();
  for (const domain::Reflection& reflection : *reflections) {
    if (reflection.author == *me) out["reflections"].push_back(ToJson(reflection));
  }
  auto replies = store.ListRepliesBy(caller.org, *me);
  if (!replies) return Refuse(replies.error());
  out["replies"] = json::array();
  for (const domain::Reply& reply : *replies) out["replies"].push_back(ToJson(reply));

  // Every change they made, as the audit log records it.
  out["audit"] = json::array();
  store::AuditQuery audit;
  audit.actor = *me;
  audit.limit = 1000;
  for (;;) {
    auto entries = store.ListAudit(caller.org, audit);
    if (!entries) return Refuse(entries.error());
    for (const domain::AuditEntry& entry : *entries) out["audit"].push_back(ToJson(entry));
    if (entries->size() < static_cast<size_t>(audit.limit)) break;
    audit.after_id = entries->back().id.value;
  }
  return out;
}

// --- JSON forms.

json FindingsJson(const std::vector<domain::Finding>& findings) {
  json list = json::array();
  for (const domain::Finding& finding : findings) {
    list.push_back({{"kind", domain::Name(finding.kind)},
                    {"start", finding.start},
                    {"end", finding.end},
                    {"text", finding.text}});
  }
  return json{{"findings", std::move(list)}};
}

json StoryJson(const Story& story) {
  json consents = json::array();
  for (const domain::Consent& c : story.consents) {
    consents.push_back(
        {{"person", c.person.value}, {"state", domain::Name(c.state)}, {"at", Time(c.decided_at)}});
  }
  json acks = json::array();
  for (const domain::Acknowledgement& a : story.acknowledgements) {
    acks.push_back({{"manager", a.manager.value},
                    {"note", a.note},
                    {"wellbeing_checked", a.wellbeing_checked},
                    {"at", a.at}});
  }
  json thanks = json::array();
  for (const domain::Thanks& t : story.thanks) {
    thanks.push_back({{"person", t.person.value}, {"note", t.note}, {"at", t.at}});
  }
  json findings = json::array();
  if (!story.findings_json.empty()) {
    json parsed = json::parse(story.findings_json, nullptr, false);
    if (parsed.is_object() && parsed.contains("findings")) findings = parsed["findings"];
  }
  return json{{"id", story.id.value},
              {"author", story.author.value},
              {"people", Ids(story.people)},
              {"teams", Ids(story.teams)},
              {"team", Id(story.team)},
              {"measure", story.measure ? json(story.measure->value) : json(nullptr)},
              {"title", story.title},
              {"text", story.text},
              {"learning", story.learning},
              {"values", Ids(story.values)},
              {"behaviours", Ids(story.behaviours)},
              {"state", domain::Name(story.state)},
              {"findings", std::move(findings)},
              {"moderation_note", story.moderation_note},
              {"praises_extra_hours",
               domain::PraisesExtraHours(story.title + "\n" + story.text + "\n" + story.learning)},
              {"created_at", story.created_at},
              {"updated_at", story.updated_at},
              {"submitted_at", Time(story.submitted_at)},
              {"published_at", Time(story.published_at)},
              {"closed_at", Time(story.closed_at)},
              {"purged", story.purged},
              {"consents", std::move(consents)},
              {"acknowledgements", std::move(acks)},
              {"thanks", std::move(thanks)}};
}

json ToJson(const domain::Reflection& reflection) {
  return json{{"id", reflection.id.value},          {"author", reflection.author.value},
              {"title", reflection.title},          {"learned", reflection.learned},
              {"got_wrong", reflection.got_wrong},  {"changed", reflection.changed},
              {"created_at", reflection.created_at}};
}

json ToJson(const domain::Reply& reply) {
  const bool hidden = reply.hidden_at.has_value();
  return json{{"id", reply.id.value},
              {"reflection", reply.reflection.value},
              {"author", reply.author.value},
              {"text", reply.text},
              {"created_at", reply.created_at},
              {"hidden", hidden},
              {"hidden_at", Time(reply.hidden_at)},
              {"hidden_reason", reply.hidden_reason}};
}

json EquityJson(const domain::Equity& equity) {
  const auto rows = [](const std::vector<domain::EquityRow>& list) {
    json out = json::array();
    for (const domain::EquityRow& row : list) {
      out.push_back({{"label", row.label},
                     {"team", Id(row.team)},
                     {"depth", row.depth},
                     {"staff", row.staff},
                     {"stories", row.stories},
                     {"per_100_staff", row.per_100_staff}});
    }
    return out;
  };
  return json{{"from", equity.from},
              {"to", equity.to},
              {"by_team", rows(equity.by_team)},
              {"by_level", rows(equity.by_level)},
              {"by_staff_group", rows(equity.by_staff_group)},
              {"teams_without_recent", rows(equity.teams_without_recent)}};
}

}  // namespace everyseat::server::api
