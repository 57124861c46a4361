// SqlStore: stories of leadership, consents, acknowledgements, thanks, reflections and replies.
#include "sql_store.h"

// Temporary, while the methods are written.
#pragma GCC diagnostic ignored "-Wunused-parameter"

namespace everyseat::store::detail {

Result<domain::Story> SqlStore::CreateStory(const Actor& actor, const domain::Story& story) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<domain::Story> SqlStore::UpdateStory(const Actor& actor, const domain::Story& story,
                                            std::string_view verb) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<domain::Story> SqlStore::GetStory(OrgId org, StoryId story) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<std::vector<domain::Story>> SqlStore::ListStories(OrgId org, const StoryQuery& query) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<domain::Consent> SqlStore::SetConsent(const Actor& actor, OrgId org, StoryId story,
                                             PersonId person, domain::ConsentState state) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<void> SqlStore::ClearConsents(const Actor& actor, OrgId org, StoryId story) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<domain::Acknowledgement> SqlStore::AddAcknowledgement(const Actor& actor, OrgId org,
                                                             StoryId story,
                                                             const domain::Acknowledgement& ack) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<domain::Thanks> SqlStore::AddThanks(const Actor& actor, OrgId org, StoryId story,
                                           const domain::Thanks& thanks) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<int64_t> SqlStore::PurgeStories(const Actor& actor, OrgId org, int64_t closed_before) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<int> SqlStore::GetStoryRetentionDays(OrgId org) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<void> SqlStore::SetStoryRetentionDays(const Actor& actor, OrgId org, int days) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<domain::Reflection> SqlStore::CreateReflection(const Actor& actor,
                                                      const domain::Reflection& reflection) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<domain::Reflection> SqlStore::GetReflection(OrgId org, ReflectionId reflection) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<std::vector<domain::Reflection>> SqlStore::ListReflections(OrgId org, int limit,
                                                                  int offset) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<domain::Reply> SqlStore::AddReply(const Actor& actor, const domain::Reply& reply) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<std::vector<domain::Reply>> SqlStore::ListReplies(OrgId org, ReflectionId reflection) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<domain::Reply> SqlStore::HideReply(const Actor& actor, OrgId org, ReplyId reply,
                                          PersonId moderator, std::string_view reason) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

Result<std::vector<domain::Reply>> SqlStore::ListRepliesBy(OrgId org, PersonId author) {
  return Fail(StoreErrorCode::kInternal, "not implemented yet");
}

}  // namespace everyseat::store::detail
