// Signing in and out: GET and POST /sign-in, POST /sign-out.
//
// The same checks as POST /api/v1/session (argon2id, lockout after repeated failures, the same
// answer for an unknown email and a wrong password); the session cookie is HttpOnly and
// SameSite=Lax, so other sites' forms cannot carry it.
#include "pages.h"

namespace everyseat::server::web {

namespace {

// Only a path of this service may follow sign-in.
std::string SafeNext(std::string_view next) {
  if (next.empty() || next[0] != '/' || next.substr(0, 2) == "//" || next.substr(0, 2) == "/\\" ||
      next.substr(0, 8) == "/sign-in") {
    return "/";
  }
  return std::string(next);
}

Response SignInPage(const FormState& form, std::string_view next, int status = 200) {
  Html h;
  h << "<div class=\"nhsuk-grid-row\"><div class=\"nhsuk-grid-column-two-thirds\">"_m;
  ErrorSummary(h, form);
  h << "<h1 class=\"nhsuk-heading-l\">Sign in</h1>"
       "<p>Sign in with your work email address and your everyseat password.</p>"
       "<form action=\"/sign-in\" method=\"post\" novalidate>"_m;
  h << "<input type=\"hidden\" name=\"next\" value=\""_m << SafeNext(next) << "\">"_m;
  InputOptions email;
  email.type = "email";
  email.autocomplete = "email";
  Input(h, form, "email", "Email address", email);
  InputOptions password;
  password.type = "password";
  password.autocomplete = "current-password";
  Input(h, form, "password", "Password", password);
  Button(h, "Sign in");
  h << "</form></div></div>"_m;
  PageSpec spec;
  spec.title = "Sign in";
  spec.has_errors = !form.ok();
  spec.status = status;
  return PageResponse(Viewer{}, spec, h);
}

}  // namespace

void AddSessionPages(Router& router, Api::Impl& impl) {
  router.Add("GET", "/sign-in", NotInApi(), [&impl](const Request& r) -> Response {
    // Already signed in: straight on.
    if (const auto secret = SessionSecret(r)) {
      if (auto lease = impl.Connect()) {
        if (impl.SessionCaller(**lease, *secret))
          return Redirect(SafeNext(r.Query("next").value_or("/")));
      }
    }
    return SignInPage(FormState(), r.Query("next").value_or("/"));
  });

  router.Add("POST", "/sign-in", NotInApi(), [&impl](const Request& r) -> Response {
    auto fields = ParseUrlEncoded(r.body);
    FormState form(fields ? std::move(*fields) : Fields{});
    const std::string next(form.Value("next"));
    const std::string email(form.Value("email"));
    const std::string password(form.Value("password"));
    form.Set("password", "");  // never shown again
    if (email.empty()) form.Fail("email", "Enter your email address");
    if (password.empty()) form.Fail("password", "Enter your password");
    if (email.size() > 254 || password.size() > 1024) {
      form.Fail("email", "The email address or password is too long");
    }
    if (!form.ok()) return SignInPage(form, next, 422);

    auto lease = impl.Connect();
    if (!lease) return ErrorPage(Viewer{}, lease.error().status, ProblemDetail(lease.error()));
    auto signed_in = impl.SignIn(**lease, email, password, std::nullopt);
    if (!signed_in) {
      const Response& refusal = signed_in.error();
      if (refusal.status == 401) {
        form.Fail("email", "The email address or password is wrong");
        return SignInPage(form, next, 401);
      }
      if (refusal.status == 429 || refusal.status == 422) {
        std::string detail = ProblemDetail(refusal);
        if (!detail.empty()) detail[0] = static_cast<char>(std::toupper(detail[0]));
        form.Fail("email", detail);
        return SignInPage(form, next, refusal.status);
      }
      return ErrorPage(Viewer{}, refusal.status, ProblemDetail(refusal));
    }
    Response response = Redirect(SafeNext(next));
    response.headers.emplace_back(
        "Set-Cookie",
        impl.SessionCookieHeader(signed_in->secret, impl.options.session_lifetime_seconds));
    return response;
  });

  AddPage(router, impl, "POST", "/sign-out", [](PageContext& page) -> Response {
    (void)page.store.RevokeSession(SessionSecret(page.request).value_or(""));
    Response response = Redirect("/sign-in");
    response.headers.emplace_back("Set-Cookie", page.impl.SessionCookieHeader("", 0));
    return response;
  });
}

}  // namespace everyseat::server::web
