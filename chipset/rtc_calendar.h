// Calendar arithmetic for the MC146818A real-time clock: proleptic Gregorian dates, leap years
// (every fourth year, except centuries not divisible by 400), and the conversion between a
// count of seconds since 1970-01-01 00:00:00 and the broken-down fields the chip's registers
// hold. Pure functions on integers, so the clock's behaviour over any span of virtual time is
// exact and testable without the device.
#pragma once

#include "bus/types.h"

namespace glasspc::rtc {

constexpr i64 kSecondsPerMinute = 60;
constexpr i64 kSecondsPerHour = 60 * kSecondsPerMinute;
constexpr i64 kSecondsPerDay = 24 * kSecondsPerHour;
constexpr int kDaysPerWeek = 7;

// The time and date fields of the chip, as numbers (not BCD). `weekday` counts 1..7 with
// 1 = Sunday, the convention PC firmware uses for register 6.
struct DateTime {
  int year = 1970;  // full year: century * 100 + the year register
  int month = 1;    // 1..12
  int day = 1;      // 1..31
  int hour = 0;     // 0..23
  int minute = 0;   // 0..59
  int second = 0;   // 0..59
  int weekday = 5;  // 1..7, 1 = Sunday (1970-01-01 was a Thursday)
};

bool is_leap_year(i64 year);
int days_in_month(i64 year, int month);  // month 1..12; other values are clamped into range

// Days since 1970-01-01 of a date; out-of-range months and days roll over arithmetically
// (February 31 is March 3 or 2), so any field values give a defined result.
i64 days_from_civil(i64 year, int month, int day);

// The date and time `seconds` after 1970-01-01 00:00:00 (negative values are before it).
DateTime date_time_from_seconds(i64 seconds);
// The inverse: seconds since 1970 of the fields (weekday is ignored).
i64 seconds_from_date_time(const DateTime& time);

// Advances `time` by `seconds` (>= 0) as the chip's once-a-second update does that many times:
// the date carries through months, leap days and centuries, and the weekday counter advances
// once per midnight crossed, independently of the date (the chip does not derive it).
void advance(DateTime& time, i64 seconds);

// Seconds after midnight of the time fields, normalized into [0, 86400).
i64 second_of_day(const DateTime& time);

}  // namespace glasspc::rtc
