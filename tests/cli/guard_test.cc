// everyseat guard, run as a real process: the text on standard input, the findings as one line of
// JSON on standard output (issue 5, point 2; cli/src/guard_command.cc), refusals with exit status
// 2. Offsets are counted by hand in the comments, character by character.
#include <gtest/gtest.h>

#include <string>

#include "run_binary.h"

namespace everyseat::testing {
namespace {

TEST(GuardCommand, PrintsEveryFindingWithItsKindOffsetsAndText) {
  // "Mrs Jane Smith" 0-14, ", " 14-16, "DOB " 16-20, "12/03/1954" 20-30, ", NHS " 30-36,
  // "943 476 5919" 36-48, ", lives at " 48-59, "SW1A 1AA" 59-67.
  const Ran ran = RunEverySeat(
      {"guard"}, "Mrs Jane Smith, DOB 12/03/1954, NHS 943 476 5919, lives at SW1A 1AA\n");
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.err, "");
  EXPECT_EQ(ran.out,
            "{\"findings\": ["
            "{\"kind\": \"name\", \"start\": 0, \"end\": 14, \"text\": \"Mrs Jane Smith\"}, "
            "{\"kind\": \"date_of_birth\", \"start\": 20, \"end\": 30, \"text\": \"12/03/1954\"}, "
            "{\"kind\": \"nhs_number\", \"start\": 36, \"end\": 48, \"text\": \"943 476 5919\"}, "
            "{\"kind\": \"postcode\", \"start\": 59, \"end\": 67, \"text\": \"SW1A 1AA\"}"
            "]}\n");
}

TEST(GuardCommand, CountsOffsetsInUnicodeCharacters) {
  // Z o ë ’ s _ w a r d _ — _ : 13 characters before "patient John".
  const Ran ran = RunEverySeat({"guard"}, "Zoë’s ward — patient John");
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out,
            "{\"findings\": [{\"kind\": \"name\", \"start\": 13, \"end\": 25, \"text\": "
            "\"patient John\"}]}\n");
}

TEST(GuardCommand, EscapesTheTextAsJson) {
  // A tab between title and name is a space within the line; JSON writes it \t.
  const Ran ran = RunEverySeat({"guard"}, "Mrs\tD’Souza");
  EXPECT_EQ(ran.status, 0) << ran.err;
  EXPECT_EQ(ran.out,
            "{\"findings\": [{\"kind\": \"name\", \"start\": 0, \"end\": 11, \"text\": "
            "\"Mrs\\tD’Souza\"}]}\n");
}

TEST(GuardCommand, PrintsAnEmptyListWhenNothingIsFound) {
  for (const std::string input : {"", "Dr Patel thanked the Patient Safety Team on 12/03/2024.\n",
                                  "Call 0161 496 0000 about ward B12."}) {
    const Ran ran = RunEverySeat({"guard"}, input);
    EXPECT_EQ(ran.status, 0) << input;
    EXPECT_EQ(ran.out, "{\"findings\": []}\n") << input;
    EXPECT_EQ(ran.err, "");
  }
}

TEST(GuardCommand, RefusesInvalidUtf8NamingTheByte) {
  // "ok " is bytes 0-2; the lone continuation byte is byte 3.
  const Ran ran = RunEverySeat({"guard"}, "ok \x80 SW1A 1AA");
  EXPECT_EQ(ran.status, 2);
  EXPECT_EQ(ran.out, "");
  EXPECT_EQ(ran.err, "everyseat guard: stdin is not valid UTF-8 at byte 3\n");
}

TEST(GuardCommand, RefusesUnknownOptionsAndArguments) {
  Ran ran = RunEverySeat({"guard", "--text", "x"});
  EXPECT_EQ(ran.status, 2);
  EXPECT_EQ(ran.out, "");
  EXPECT_EQ(ran.err, "everyseat guard: unknown option '--text'\n");
  ran = RunEverySeat({"guard", "story.txt"});
  EXPECT_EQ(ran.status, 2);
  EXPECT_EQ(ran.err, "everyseat guard: unexpected argument 'story.txt'\n");
}

TEST(GuardCommand, HelpDescribesTheCommandAndTheListNamesIt) {
  Ran ran = RunEverySeat({"guard", "--help"});
  EXPECT_EQ(ran.status, 0);
  EXPECT_EQ(ran.out.rfind("usage: everyseat guard < TEXT\n", 0), 0u) << ran.out;
  EXPECT_NE(ran.out.find("nhs_number, date_of_birth, postcode or name"), std::string::npos);
  ran = RunEverySeat({"--help"});
  EXPECT_NE(ran.out.find("\n  guard      find patient details"), std::string::npos) << ran.out;
}

}  // namespace
}  // namespace everyseat::testing
