// Calendar arithmetic behind the MC146818A's update cycle.
#include "chipset/rtc_calendar.h"

#include <catch2/catch.hpp>

namespace glasspc::test {
namespace {

using rtc::DateTime;

TEST_CASE("rtc calendar: leap years follow the Gregorian rule", "[rtc]") {
  CHECK(rtc::is_leap_year(2024));
  CHECK_FALSE(rtc::is_leap_year(2023));
  CHECK(rtc::is_leap_year(2000));
  CHECK_FALSE(rtc::is_leap_year(2100));
  CHECK_FALSE(rtc::is_leap_year(1900));
  CHECK(rtc::days_in_month(2024, 2) == 29);
  CHECK(rtc::days_in_month(2100, 2) == 28);
  CHECK(rtc::days_in_month(2023, 4) == 30);
  CHECK(rtc::days_in_month(2023, 12) == 31);
}

TEST_CASE("rtc calendar: seconds and dates convert both ways", "[rtc]") {
  const DateTime epoch = rtc::date_time_from_seconds(0);
  CHECK(epoch.year == 1970);
  CHECK(epoch.month == 1);
  CHECK(epoch.day == 1);
  CHECK(epoch.weekday == 5);  // Thursday

  const DateTime t = rtc::date_time_from_seconds(1795544616);
  CHECK(t.year == 2026);
  CHECK(t.month == 11);
  CHECK(t.day == 24);
  CHECK(t.hour == 18);
  CHECK(t.minute == 23);
  CHECK(t.second == 36);
  CHECK(t.weekday == 3);  // Tuesday
  CHECK(rtc::seconds_from_date_time(t) == 1795544616);

  const DateTime before = rtc::date_time_from_seconds(-1);
  CHECK(before.year == 1969);
  CHECK(before.month == 12);
  CHECK(before.day == 31);
  CHECK(before.second == 59);
  // Out-of-range fields roll over arithmetically instead of misbehaving.
  CHECK(rtc::days_from_civil(2023, 2, 31) == rtc::days_from_civil(2023, 3, 3));
  CHECK(rtc::days_from_civil(2023, 13, 1) == rtc::days_from_civil(2024, 1, 1));
}

TEST_CASE("rtc calendar: advancing crosses leap days, years and centuries", "[rtc]") {
  DateTime t = rtc::date_time_from_seconds(4102444799);  // 2099-12-31 23:59:59, Thursday
  REQUIRE(t.weekday == 5);
  rtc::advance(t, 1);
  CHECK(t.year == 2100);
  CHECK(t.month == 1);
  CHECK(t.day == 1);
  CHECK(t.hour == 0);
  CHECK(t.weekday == 6);

  // 2100-02-28 is followed by March 1st.
  t = rtc::date_time_from_seconds(4107542399);
  rtc::advance(t, 1);
  CHECK(t.month == 3);
  CHECK(t.day == 1);

  // The weekday is a counter: a value the guest set is carried forward, not recomputed.
  t = rtc::date_time_from_seconds(0);
  t.weekday = 1;
  rtc::advance(t, 3 * rtc::kSecondsPerDay);
  CHECK(t.weekday == 4);
  rtc::advance(t, 4 * rtc::kSecondsPerDay);
  CHECK(t.weekday == 1);
}

}  // namespace
}  // namespace glasspc::test
