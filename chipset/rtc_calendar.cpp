#include "chipset/rtc_calendar.h"

namespace glasspc::rtc {

namespace {

constexpr int kMonthsPerYear = 12;
// A 400-year Gregorian cycle has exactly 146097 days; day 0 of the era used below is
// 0000-03-01, which puts the leap day at the end of each computational year.
constexpr i64 kDaysPerEra = 146097;
constexpr i64 kYearsPerEra = 400;
constexpr i64 kDaysFromEraStartTo1970 = 719468;  // 0000-03-01 .. 1970-01-01

i64 floor_div(i64 a, i64 b) {
  const i64 q = a / b;
  return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

i64 floor_mod(i64 a, i64 b) {
  return a - floor_div(a, b) * b;
}

}  // namespace

bool is_leap_year(i64 year) {
  return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int days_in_month(i64 year, int month) {
  static constexpr int kDays[kMonthsPerYear] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (month < 1) month = 1;
  if (month > kMonthsPerYear) month = kMonthsPerYear;
  if (month == 2 && is_leap_year(year)) return 29;
  return kDays[month - 1];
}

// Counts days in eras of 400 years starting on March 1st, so that February, with its variable
// length, is the last month of each counted year.
i64 days_from_civil(i64 year, int month, int day) {
  // Months outside 1..12 carry into the year first.
  year += floor_div(month - 1, kMonthsPerYear);
  const i64 m = floor_mod(month - 1, kMonthsPerYear) + 1;
  const i64 y = m <= 2 ? year - 1 : year;
  const i64 era = floor_div(y, kYearsPerEra);
  const i64 year_of_era = y - era * kYearsPerEra;      // 0..399
  const i64 month_from_march = m > 2 ? m - 3 : m + 9;  // 0..11
  const i64 day_of_year = (153 * month_from_march + 2) / 5 + (day - 1);
  const i64 day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * kDaysPerEra + day_of_era - kDaysFromEraStartTo1970;
}

DateTime date_time_from_seconds(i64 seconds) {
  DateTime t;
  const i64 days = floor_div(seconds, kSecondsPerDay);
  const i64 rest = seconds - days * kSecondsPerDay;
  t.hour = static_cast<int>(rest / kSecondsPerHour);
  t.minute = static_cast<int>(rest % kSecondsPerHour / kSecondsPerMinute);
  t.second = static_cast<int>(rest % kSecondsPerMinute);
  // 1970-01-01 was a Thursday: weekday 5 when Sunday is 1.
  t.weekday = static_cast<int>(floor_mod(days + 4, kDaysPerWeek)) + 1;

  const i64 z = days + kDaysFromEraStartTo1970;
  const i64 era = floor_div(z, kDaysPerEra);
  const i64 day_of_era = z - era * kDaysPerEra;  // 0..146096
  const i64 year_of_era =
      (day_of_era - day_of_era / 1460 + day_of_era / 36524 - day_of_era / 146096) / 365;
  const i64 day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
  const i64 month_from_march = (5 * day_of_year + 2) / 153;
  t.day = static_cast<int>(day_of_year - (153 * month_from_march + 2) / 5 + 1);
  t.month = static_cast<int>(month_from_march < 10 ? month_from_march + 3 : month_from_march - 9);
  t.year = static_cast<int>(year_of_era + era * kYearsPerEra + (t.month <= 2 ? 1 : 0));
  return t;
}

i64 seconds_from_date_time(const DateTime& time) {
  return days_from_civil(time.year, time.month, time.day) * kSecondsPerDay +
         i64{time.hour} * kSecondsPerHour + i64{time.minute} * kSecondsPerMinute + time.second;
}

i64 second_of_day(const DateTime& time) {
  return floor_mod(
      i64{time.hour} * kSecondsPerHour + i64{time.minute} * kSecondsPerMinute + time.second,
      kSecondsPerDay);
}

void advance(DateTime& time, i64 seconds) {
  if (seconds <= 0) return;
  const i64 start = seconds_from_date_time(time);
  const i64 days_crossed =
      floor_div(start + seconds, kSecondsPerDay) - floor_div(start, kSecondsPerDay);
  const int weekday = time.weekday;
  time = date_time_from_seconds(start + seconds);
  time.weekday = static_cast<int>(floor_mod(weekday - 1 + days_crossed, kDaysPerWeek)) + 1;
}

}  // namespace glasspc::rtc
