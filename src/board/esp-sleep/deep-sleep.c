/*
 * luxflow deep sleep on the ESP8266 (non-OS SDK, user_interface.h): Moddable SDK 8.2.3 has
 * System.deepSleep() but no way in JavaScript to tell a wake from a cold boot (its
 * WakeableDigital is documented but commented out, and modGPIODidWake is 0 on esp) and no
 * access to RTC memory. UNTESTED ON HARDWARE: no ESP8266 toolchain was available to build it.
 *  - system_get_rst_info()->reason == REASON_DEEP_SLEEP_AWAKE tells a wake from deep sleep.
 *  - system_rtc_mem_read/write address 4-byte blocks; user blocks start at 64. Moddable's
 *    rtctime (build/devices/esp/lib/rtc) uses the first 10 user words, so luxflow starts at
 *    block 96 and keeps 64 bytes.
 * The sleep itself is System.deepSleep(us) (modules/io/system/system.c); GPIO16 must be wired
 * to RST for the timer to wake the chip.
 */
#include "xsmc.h"
#include "xsHost.h"
#include "user_interface.h"

#define kLuxflowRtcBlock (96)
#define kLuxflowRtcBytes (64)

void xs_luxflow_sleep_woke(xsMachine *the)
{
	struct rst_info *info = system_get_rst_info();
	xsmcSetBoolean(xsResult, (NULL != info) && (REASON_DEEP_SLEEP_AWAKE == info->reason));
}

void xs_luxflow_sleep_bytes(xsMachine *the)
{
	xsmcSetInteger(xsResult, kLuxflowRtcBytes);
}

void xs_luxflow_sleep_read(xsMachine *the)
{
	uint32_t words[kLuxflowRtcBytes / 4];

	if (!system_rtc_mem_read(kLuxflowRtcBlock, words, kLuxflowRtcBytes))
		xsUnknownError("RTC memory read failed");
	xsmcSetArrayBuffer(xsResult, words, kLuxflowRtcBytes);
}

void xs_luxflow_sleep_write(xsMachine *the)
{
	uint32_t words[kLuxflowRtcBytes / 4];
	void *data;
	xsUnsignedValue length;

	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (length > kLuxflowRtcBytes)
		xsRangeError("RTC memory holds %d bytes", kLuxflowRtcBytes);
	c_memset(words, 0, sizeof(words));
	c_memcpy(words, data, length);
	if (!system_rtc_mem_write(kLuxflowRtcBlock, words, kLuxflowRtcBytes))
		xsUnknownError("RTC memory write failed");
}
