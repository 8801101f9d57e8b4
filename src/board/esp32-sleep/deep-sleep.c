/*
 * luxflow deep sleep on the ESP32 (ESP-IDF): Moddable SDK 8.2.3 has no deep sleep in
 * JavaScript there (modules/io/system/system.c compiles System.deepSleep to nothing on ESP32).
 * UNTESTED ON HARDWARE: written against the ESP-IDF headers named below; no ESP32 toolchain
 * was available to build it.
 *  - esp_reset_reason() == ESP_RST_DEEPSLEEP tells a wake from deep sleep (esp_system.h).
 *  - RTC_DATA_ATTR keeps a buffer in RTC slow memory across deep sleep (esp_attr.h); the
 *    bootloader initialises it after power-on and any other reset.
 *  - esp_sleep_enable_timer_wakeup() + esp_deep_sleep_start() sleep and reboot (esp_sleep.h).
 */
#include "xsmc.h"
#include "xsHost.h"
#include "esp_attr.h"
#include "esp_sleep.h"
#include "esp_system.h"

#define kLuxflowRtcBytes (64)

static RTC_DATA_ATTR uint8_t gLuxflowRtc[kLuxflowRtcBytes];

void xs_luxflow_sleep_woke(xsMachine *the)
{
	xsmcSetBoolean(xsResult, ESP_RST_DEEPSLEEP == esp_reset_reason());
}

void xs_luxflow_sleep_bytes(xsMachine *the)
{
	xsmcSetInteger(xsResult, kLuxflowRtcBytes);
}

void xs_luxflow_sleep_read(xsMachine *the)
{
	xsmcSetArrayBuffer(xsResult, gLuxflowRtc, kLuxflowRtcBytes);
}

void xs_luxflow_sleep_write(xsMachine *the)
{
	void *data;
	xsUnsignedValue length;

	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (length > kLuxflowRtcBytes)
		xsRangeError("RTC memory holds %d bytes", kLuxflowRtcBytes);
	c_memcpy(gLuxflowRtc, data, length);
}

void xs_luxflow_sleep_deep(xsMachine *the)
{
	uint64_t us = (uint64_t)xsmcToNumber(xsArg(0));

	esp_sleep_enable_timer_wakeup(us);
	esp_deep_sleep_start();
}
