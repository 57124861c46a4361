// The demo organisation's stories and reflections: see demo_stories.h.
#include "demo_stories.h"

namespace everyseat::cli::demo {
namespace {

// The teams of demo_organisation.cc (paths below the organisation).
constexpr char kDistrictNursing[] = "Community Services/District Nursing (North)";
constexpr char kReception[] =
    "Community Services/Health Centre Reception (Riverside Health Centre)";
constexpr char kSpeech[] = "Community Services/Speech and Language Therapy";
constexpr char kMentalHealth[] = "Community Services/Primary Care Mental Health";
constexpr char kPrison[] = "Secure Services/Prison Health (HMP Northshire)";
constexpr char kFinance[] = "Corporate/Finance";
constexpr char kEquality[] = "Corporate/Equality and Diversity";
constexpr char kExecutive[] = "Corporate/Executive Team";

// A demo person's email from the part before the @.
std::string At(const char* name) { return std::string(name) + "@northshire.example"; }

}  // namespace

std::vector<StorySeed> Stories() {
  // clang-format off
  return {
      // The nurse leader staying on so that a patient could die at home.
      {.author = At("nia.okafor"),
       .people = {At("joanne.whitfield")},
       .team = kDistrictNursing,
       .title = "Staying with her team so a patient could die at home",
       .text = "Late on a Friday we heard that a woman on our caseload, who had told us clearly "
               "that she wanted to die at home, had come home from hospital with a syringe "
               "driver and a pressure-relieving mattress that none of the evening team had used "
               "before. Joanne was due to finish. Instead she stayed with us, went out on the "
               "visit with Sean, checked every piece of equipment and showed us how to set it up "
               "and what to watch for. She rang the out-of-hours GP and the hospice so that "
               "everyone knew the plan. The woman died peacefully at home that weekend, as she "
               "had wished, with her family around her. Joanne never made it feel like a "
               "favour: she made sure we felt able to do it ourselves next time.",
       .learning = "Expert knowledge shared at the right moment is leadership. Before you hand "
                   "over, ask whether the next shift knows the equipment, and show them rather "
                   "than doing it for them.",
       .values = {"compassion", "dignity"},
       .behaviours = {"supporting", "coaching"},
       .days_ago = 9},

      // The receptionist walking five miles through the snow to open the health centre.
      {.author = At("chloe.evans"),
       .people = {At("liam.oconnor")},
       .team = kReception,
       .title = "Five miles through the snow to open the health centre",
       .text = "On the morning of the heavy snow the roads around Riverside were closed and the "
               "buses had stopped. Liam lives five miles from the health centre. He knew that if "
               "reception stayed shut, the nurses who could get in would have nobody to open "
               "up, to welcome the people who had struggled in, or to ring round and rearrange "
               "everyone else. So he walked, and had the doors open by half past nine. He spent "
               "the day phoning everyone booked in, moving appointments and making sure anyone "
               "who needed a home visit was passed to the district nurses. He did it all "
               "cheerfully, and went home on the first bus that ran.",
       .learning = "Leadership is sometimes simply turning up when it is hard to. Liam thought "
                   "about the whole day for patients and colleagues, not just about opening "
                   "the doors.",
       .values = {"compassion", "trust"},
       .behaviours = {"supporting"},
       .days_ago = 285,
       .acknowledgements = {{.manager = At("sharon.patel"),
                             .note = "Thank you, Liam. We have written a snow-day plan into the "
                                     "reception handbook, with who can work from which site, so "
                                     "nobody has to walk five miles next time.",
                             .days_after = 1}},
       .thanks = {{.person = At("yusuf.ali"),
                   .note = "Thank you for keeping the place open for all of us.",
                   .days_after = 1},
                  {.person = At("joanne.whitfield"),
                   .note = "Every home visit was passed on to us that day. Thank you.",
                   .days_after = 2}}},

      // The manager putting 900 staff through a values-based leadership programme.
      {.author = At("kwame.asante"),
       .people = {At("helen.whitaker")},
       .team = kEquality,
       .title = "Putting 900 colleagues through a values-based leadership programme",
       .text = "Helen believed that everyone who leads people here, at any band, should know "
               "what our values mean in practice, not just read them on a poster. Over eighteen "
               "months she designed a one-day programme on values-based leadership and made sure "
               "900 staff took part, from receptionists and healthcare assistants to consultants "
               "and directors. She ran sessions inside the prison for the health team there and "
               "in community bases across the county, and she changed the programme each time "
               "people told her what had not worked. Every session was built around real "
               "situations from our own services. Several teams have since rewritten their team "
               "charters around dignity, respect and trust.",
       .learning = "Values only change practice when people talk about them with real examples "
                   "from their own work. Ask people what did not help, and change it for the "
                   "next group.",
       .values = {"respect", "trust", "dignity"},
       .behaviours = {"coaching", "improving"},
       .days_ago = 250,
       .acknowledgements = {{.manager = At("marcus.reid"),
                             .note = "Helen, this has changed how we talk about leadership "
                                     "across the trust. Thank you.",
                             .days_after = 2}},
       .thanks = {{.person = At("priya.raman"),
                   .note = "Thank you, Helen: the programme is making our values real.",
                   .days_after = 3},
                  {.person = At("fatima.begum"), .days_after = 4}}},

      // The speech therapist marketing services to schools, and the child with a knife.
      {.author = At("ben.carter"),
       .people = {At("aisha.mohammed")},
       .team = kSpeech,
       .title = "Taking our service to schools, and talking a pupil down",
       .text = "Aisha noticed that schools in the east of the county hardly ever referred "
               "children to us, and that children were reaching secondary school with needs "
               "nobody had picked up. She put together a short offer for schools, marketed it "
               "to every head teacher and special educational needs coordinator who would see "
               "her, and ran training for teaching assistants. Referrals from those schools have "
               "doubled. On one school visit a distressed pupil pulled a knife in a corridor. "
               "Aisha stayed calm, kept her voice low, gave him space and talked with him until "
               "he put it down and a teacher he trusted arrived. Nobody was hurt. She made sure "
               "the school's safeguarding lead and our own were told the same day.",
       .learning = "Going to where children are, rather than waiting for referrals, finds the "
                   "children who need us most. When a situation turns dangerous, a calm voice, "
                   "space and time can do more than force, and safeguarding comes straight "
                   "after.",
       .values = {"safety", "compassion", "respect"},
       .behaviours = {"partnering", "supporting"},
       .days_ago = 23,  // not yet acknowledged: on the page of the manager's manager
       .thanks = {{.person = At("emma.kowalczyk"),
                   .note = "Thank you for showing us what staying calm looks like.",
                   .days_after = 2}}},

      // The consultant running an international conference on stammering and stigma.
      {.author = At("aisha.mohammed"),
       .people = {At("eleanor.marsh")},
       .team = kSpeech,
       .title = "An international conference on stammering and stigma",
       .text = "Eleanor had the idea, found the funding and did most of the organising "
               "herself: an international conference on stammering and stigma, held here in "
               "Northshire, with speakers from six countries. What made it different was who "
               "spoke. Half of the speakers were people who stammer, including two teenagers who "
               "talked about school and an employer who had changed the way her company "
               "interviews. Eleanor made sure every session left time for questions and that no "
               "speaker was hurried or had their sentences finished for them. Over 300 people "
               "came, among them teachers, GPs and our own staff. Since then several of our "
               "teams give people who stammer more time on the phone and at reception.",
       .learning = "Stigma shrinks when the people affected lead the conversation. Small "
                   "changes, such as more time and never finishing someone's sentences, cost "
                   "nothing and make services fairer.",
       .values = {"dignity", "respect"},
       .behaviours = {"partnering", "challenging"},
       .days_ago = 3,
       .awaiting_consent = true},

      // The primary care mental health teams putting patients first with extra shifts.
      {.author = At("rachel.hughes"),
       .people = {At("emma.kowalczyk"), At("jamal.hussain")},
       .teams = {kMentalHealth},
       .team = kMentalHealth,
       .measure = "Referrals seen within 6 weeks",
       .title = "Putting patients first while the waiting list grew",
       .text = "When referrals rose sharply, the primary care mental health team faced a "
               "waiting list that would have broken the six-week standard our commissioners "
               "expect. Rather than let people wait, Emma, Jamal and their colleagues worked "
               "extra shifts, ran additional assessment clinics and rang everyone on the list to "
               "ask whether things had changed for them, moving those at greatest risk to the "
               "front. Everyone referred was assessed within six weeks. The team kept the "
               "quality of assessment high throughout and took care to explain to each person "
               "what would happen next.",
       .learning = "Checking the whole waiting list for risk, not just its length, keeps the "
                   "people who need help most safe. Extra shifts got us through a peak; they are "
                   "not a plan, and the team has since agreed a sustainable one with "
                   "commissioners.",
       .values = {"compassion", "safety"},
       .behaviours = {"supporting", "improving"},
       .days_ago = 58,
       .acknowledgements = {{.manager = At("oluwaseun.adeyemi"),
                             .note = "Thank you, Emma, Jamal and the whole team. I have met each "
                                     "of you one to one to ask how you are after these weeks, "
                                     "the extra hours are being taken back as time off, and the "
                                     "extra clinics have now stopped.",
                             .wellbeing_checked = true,
                             .days_after = 2}},
       .thanks = {{.person = At("tariq.mahmood"), .days_after = 3},
                  {.person = At("sophie.turner"),
                   .note = "Thank you. The waiting list chart shows what you did.",
                   .days_after = 5}}},

      // The equality manager challenging preconceptions in public meetings, and challenged back.
      {.author = At("fatima.begum"),
       .people = {At("fatima.begum")},  // myself
       .team = kEquality,
       .title = "Challenging preconceptions, and being challenged back",
       .text = "At the public meetings on our new community services I challenged some of the "
               "assumptions being made in the room: that people from some communities do not "
               "turn up to appointments, and that interpreters slow clinics down. I brought our "
               "own figures, which told a different story. Then a local carers' group challenged "
               "me back. They said our consultation had been held at times and in places that "
               "shut out the very people we said we wanted to hear. They were right. I listened, "
               "thanked them, and we held the next three meetings in community centres, with "
               "interpreters booked in advance. Twice as many people came, and the questions "
               "were far better.",
       .learning = "If you challenge others in public, expect to be challenged back, welcome it, "
                   "and change what you do. Ask who is missing from the room before you decide "
                   "what people think.",
       .values = {"respect", "civility"},
       .behaviours = {"challenging", "owning a mistake"},
       .days_ago = 40,
       .acknowledgements = {{.manager = At("marcus.reid"),
                             .note = "Fatima, this is the openness we ask of every leader. Thank "
                                     "you for sharing what you changed.",
                             .days_after = 1}},
       .thanks = {{.person = At("kwame.asante"), .days_after = 1},
                  {.person = At("helen.whitaker"),
                   .note = "We will use this in the leadership programme, with your permission.",
                   .days_after = 3}}},

      // The clinical leaders tackling poor practice through support and education.
      {.author = At("grace.mensah"),
       .people = {At("nia.okafor"), At("sean.murphy")},
       .team = kDistrictNursing,
       .measure = "Pressure ulcers developing in our care",
       .title = "Tackling poor practice by teaching, not blaming",
       .text = "Our pressure ulcer reviews kept finding the same gaps: skin checks not "
               "recorded, equipment ordered late, and colleagues unsure how to grade damage. Nia "
               "and Sean, two of our clinical leaders in district nursing, decided to tackle it "
               "head on. They raised it openly at the team meeting, knowing it would not make "
               "them popular, and then spent three months working alongside colleagues on "
               "visits, running short teaching sessions at handover, and building a one-page "
               "checklist with the team rather than for it. When colleagues pushed back, they "
               "listened and changed the checklist. Fewer pressure ulcers now develop in our "
               "care, and the reviews find good practice to share.",
       .learning = "Naming poor practice takes courage; fixing it takes support and education "
                   "alongside people, not blame from a distance. Build the tools with the people "
                   "who will use them.",
       .values = {"safety", "civility"},
       .behaviours = {"coaching", "challenging", "improving"},
       .days_ago = 130,
       .acknowledgements = {{.manager = At("joanne.whitfield"),
                             .note = "Thank you both. You put yourselves in the firing line for "
                                     "the people we care for, and you did it kindly.",
                             .days_after = 1}},
       .thanks = {{.person = At("maria.santos"),
                   .note = "The checklist makes visits so much clearer. Thank you.",
                   .days_after = 2},
                  {.person = At("siobhan.byrne"), .days_after = 4}}},

      // The line manager throwing a party to celebrate 25 years' service.
      {.author = At("daniel.osei"),
       .people = {At("bilal.chaudhry")},
       .team = kFinance,
       .title = "A party for 25 years of service",
       .text = "When I reached 25 years working for the NHS in Northshire, most of them in "
               "accounts payable, I did not expect anyone to notice. Bilal did. He quietly found "
               "out who I had worked with over the years, invited colleagues past and present, "
               "including two who had retired, and organised a lunch in the boardroom with a "
               "cake and a card signed by people from every part of the trust. He said a few "
               "words about the difference that steady, careful work makes, and how many "
               "suppliers and staff had been paid on time because of it. It meant a great deal "
               "to me and to my family.",
       .learning = "Noticing long service, and saying what someone's work has made possible, "
                   "costs little and matters a lot. Steady, unseen work deserves celebrating as "
                   "much as heroics.",
       .values = {"respect", "dignity"},
       .behaviours = {"affiliative"},
       .days_ago = 165,
       .acknowledgements = {{.manager = At("tom.gallagher"),
                             .note = "Thank you, Bilal, for making this happen, and "
                                     "congratulations again, Daniel.",
                             .days_after = 1}},
       .thanks = {{.person = At("agnieszka.nowak"), .days_after = 1},
                  {.person = At("ravi.sharma"),
                   .note = "Congratulations, Daniel, and well done, Bilal.",
                   .days_after = 2}}},

      // The Chief Executive saying sorry, I got it wrong.
      {.author = At("maria.santos"),
       .people = {At("priya.raman")},
       .team = kExecutive,
       .title = "Our Chief Executive said sorry: she got it wrong",
       .text = "At the all-staff briefing Priya told us plainly that she had got the decision "
               "to move two district nursing bases wrong. She had signed it off to save money "
               "without asking the teams who would have to make it work, and it had added "
               "travel to every day and taken time away from patients. She did not blame anyone "
               "else or dress it up. She said sorry, explained what she had learned, and asked "
               "us what should happen next. Within a month both teams were back in their old "
               "bases, and staff from every team now sit on the group that plans any move. I "
               "have never seen a chief executive do that before.",
       .learning = "Saying \"I got it wrong\" in public makes it safe for everyone else to own "
                   "their mistakes. An apology matters most when it comes with a change.",
       .values = {"trust", "respect"},
       .behaviours = {"owning a mistake"},
       .days_ago = 30,
       .thanks = {{.person = At("sean.murphy"), .days_after = 1},
                  {.person = At("oluwaseun.adeyemi"),
                   .note = "Thank you for setting the example.",
                   .days_after = 1},
                  {.person = At("chloe.evans"), .days_after = 2}}},

      // The finance manager working extraordinary hours and helping staff through tough times.
      {.author = At("tom.gallagher"),
       .people = {At("agnieszka.nowak")},
       .team = kFinance,
       .measure = "Working days to close the month",
       .title = "Meeting the year-end deadline and looking after her team",
       .text = "During the year-end accounts, with an external audit deadline that could not "
               "move and two of the team off sick, Agnieszka worked extraordinary hours to get "
               "the accounts submitted on time. What stood out just as much was how she looked "
               "after everyone else. She noticed when colleagues were struggling, sent people "
               "home when they were exhausted, covered for a colleague whose father was in "
               "hospital, and made sure the junior staff understood what they were doing rather "
               "than doing it for them. The accounts went in on time with no audit adjustments, "
               "and the team came through a very tough time together.",
       .learning = "Meeting a hard deadline is a team achievement, and looking after people "
                   "through it is leadership. Long hours are a warning sign, not a standard: we "
                   "have planned the next year end so that nobody has to do this again.",
       .values = {"compassion", "trust"},
       .behaviours = {"supporting", "coaching"},
       .days_ago = 205,
       .acknowledgements = {{.manager = At("bilal.chaudhry"),
                             .note = "Thank you, Agnieszka. We have talked about how you are now "
                                     "that it is over, you have taken the time back, and next "
                                     "year's timetable and cover are changed so that the hours "
                                     "are not needed again.",
                             .wellbeing_checked = true,
                             .days_after = 3}},
       .thanks = {{.person = At("daniel.osei"),
                   .note = "Thank you for looking out for all of us.",
                   .days_after = 1},
                  {.person = At("sophie.turner"), .days_after = 4}}},

      // The prison health team making prisoners carers, not just offenders.
      {.author = At("siobhan.byrne"),
       .people = {At("claire.robertson"), At("darren.wright")},
       .teams = {kPrison},
       .team = kPrison,
       .title = "Prisoners as carers, not just offenders",
       .text = "The prison health team at HMP Northshire saw that older and disabled prisoners "
               "were struggling with everyday tasks, and that other prisoners were already "
               "quietly helping them. Claire and Darren worked with the prison to turn this into "
               "a proper peer carer scheme: prisoners are trained in moving and handling, "
               "infection control, dignity and confidentiality, and supported by the health "
               "team every week. Twelve men have completed the training so far. The carers say "
               "it is the first time they have been trusted with responsibility for someone "
               "else, and the men they care for say they feel less alone. The team presented "
               "the scheme at a national prison health conference and made a short film so that "
               "other prisons can copy it.",
       .learning = "People are more than the reason they are in our care: given trust, training "
                   "and support, they can care for others. Share what works beyond your own "
                   "walls.",
       .values = {"dignity", "respect", "trust"},
       .behaviours = {"partnering", "improving"},
       .days_ago = 70,
       .acknowledgements = {{.manager = At("rachel.hughes"),
                             .note = "Dignity in a hard place. Thank you, Claire and Darren.",
                             .days_after = 1},
                            {.manager = At("claire.robertson"),
                             .note = "Darren, the scheme would not have happened without your "
                                     "weekly sessions with the carers. Thank you.",
                             .days_after = 1}},
       .thanks = {{.person = At("tariq.mahmood"), .days_after = 1},
                  {.person = At("meilin.chen"),
                   .note = "Proud to work in this team.",
                   .days_after = 2}}},
  };
  // clang-format on
}

std::vector<ReflectionSeed> Reflections() {
  // clang-format off
  return {
      {.author = At("tom.gallagher"),
       .title = "What the year end taught me about our timetable",
       .learned = "The finance team met a deadline that could not move because of people like "
                  "Agnieszka looking after each other, not because of our plan.",
       .got_wrong = "I set the year-end timetable without building in cover for sickness, and I "
                    "thanked people for their long hours instead of asking why they were "
                    "needed.",
       .changed = "Next year's timetable starts three weeks earlier, two people are trained for "
                  "every task, and I ask how people are before I thank anyone for hours.",
       .replies = {{.author = At("agnieszka.nowak"),
                    .text = "Thank you. The earlier start will help, and so will the "
                            "cross-training."},
                   {.author = At("daniel.osei"),
                    .text = "Will starting three weeks earlier squeeze the month-end closes "
                            "before it? Could the team see the new timetable before it is "
                            "agreed?"}}},

      {.author = At("oluwaseun.adeyemi"),
       .title = "I let the extra shifts go on too long",
       .learned = "Goodwill is not a plan. This team will go the extra mile for the people we "
                  "serve, which is exactly why I have to notice when that becomes the norm.",
       .got_wrong = "When referrals rose, I met the commissioners' six-week standard by relying "
                    "on colleagues working extra shifts, and I let it go on for nine weeks "
                    "before I stopped to ask how people were.",
       .changed = "We have agreed a plan with the commissioners for the next peak, nobody works "
                  "more than one extra shift a month, and I meet each colleague one to one "
                  "whenever demand rises.",
       .replies = {{.author = At("emma.kowalczyk"),
                    .text = "Thank you for asking how we were. It made a difference to know it "
                            "was noticed."},
                   {.author = At("jamal.hussain"),
                    .text = "What happens if referrals rise again and the limit on extra shifts "
                            "means people wait longer than six weeks? Will the commissioners "
                            "accept that?"},
                   {.author = At("oluwaseun.adeyemi"),
                    .text = "A fair question, Jamal. The plan covers it: we would see people in "
                            "order of risk, as you did, and report the wait openly rather than "
                            "hide it with extra hours."}}},

      {.author = At("priya.raman"),
       .title = "Sorry: I got the move of the district nursing bases wrong",
       .learned = "A decision that looks sensible on a spreadsheet can make every day harder for "
                  "the people doing the work, and they will tell you so if you ask them before "
                  "you decide, not after.",
       .got_wrong = "I signed off moving two district nursing bases to save on rent without "
                    "asking the teams. It added up to an hour of travel to some nurses' days and "
                    "took time away from patients. I should have asked the people who would "
                    "have to make it work.",
       .changed = "Both teams are back in their old bases. No change to where a team works is "
                  "signed off now without members of that team on the group that plans it, and "
                  "I have asked the board to check that this happens.",
       .replies = {{.author = At("joanne.whitfield"),
                    .text = "Thank you for saying this in front of everyone. It made it easier "
                            "for the rest of us to own our mistakes."},
                   {.author = At("sean.murphy"),
                    .text = "Thank you, but how will we know it is different next time? Who "
                            "checks that teams really were asked, and can staff see the "
                            "answer?"},
                   {.author = At("kwame.asante"),
                    .text = "Could we use this in the leadership programme as a real example of "
                            "owning a mistake?"},
                   {.author = At("priya.raman"),
                    .text = "A fair challenge, Sean. Every proposal to move a team's base will "
                            "now go to the board with a note of who was asked and what they "
                            "said, and the note will be on the intranet for all staff. And yes, "
                            "Kwame, please do."}}},
  };
  // clang-format on
}

int64_t DaysBefore(std::chrono::sys_days today, int days, int minutes) {
  const std::chrono::sys_days day = today - std::chrono::days{days};
  return static_cast<int64_t>(day.time_since_epoch().count()) * 86400 +
         static_cast<int64_t>(minutes) * 60;
}

}  // namespace everyseat::cli::demo
