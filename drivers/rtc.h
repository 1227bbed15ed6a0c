/*
 * drivers/rtc.h - /dev/rtc0, the CMOS real-time clock as Linux's
 * rtc-cmos driver shows it to user space (drivers/rtc.c).
 */
#ifndef DRIVERS_RTC_H
#define DRIVERS_RTC_H

struct file_operations;

/* Linux gives RTCs a dynamic major (often 253 or 252); 253:0 here. */
#define RTC_MAJOR 253

/* rtc_fops - what /dev/rtc0 opens with. */
extern const struct file_operations rtc_fops;
/* rtc_init - take the RTC's interrupt (every event off until asked for). */
void rtc_init(void);

#endif
