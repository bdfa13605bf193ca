"""ml-footprint: the NVIDIA GPU reader (stdlib only, no pip package, no compiler).

Started once by the sampler as a long-running child: `python3 -I -S -u nvml_reader.py`. It serves everything the
sampler needs per GPU (power, utilisation, memory and the energy counter) in one answer per tick, and idles in a
blocking read of stdin between ticks (no timer, no wake-up of its own).
Loads libnvidia-ml.so.1 by its soname, the way the dynamic loader finds it (LD_LIBRARY_PATH works).

Protocol, one JSON object per line on stdout:
  hello   {"ok":true,"uuids":["GPU-…",null,…],"gpus":[{"name":"…","limitW":700.0,"memTotalMiB":81559,
          "powerField":"power.draw.average"},…]}
          NVML device order (the nvidia-smi index); null where the handle or UUID failed; gpus[i] is null where
          the handle failed. powerField: "power.draw.average" where NVML_FI_DEV_POWER_AVERAGE answers (Ampere
          and newer except GA100), else "power.draw" (nvmlDeviceGetPowerUsage), named as nvidia-smi names them.
          {"ok":false,"error":"…","code":N}       NVML unusable; the helper exits at once
  request one line "<seq>" (the counter only) or "<seq> p" (power, utilisation, memory and the counter),
          optionally "<seq> p <ms>": answer that many milliseconds from now, and "<seq> p <ms> <period ms>":
          then again every period (the same seq) until a newer request replaces it
  reply   {"seq":"7","e":[123456789,null],"err":[0,3]}                      for "<seq>"
          {"seq":"7","e":[…],"err":[…],"w":[312.5,null],"u":[45,null],"mem":[1234,null],"f":[1,0]}  for "<seq> p"
          one reply per line read on stdin; e is nvmlDeviceGetTotalEnergyConsumption in mJ since the driver was
          loaded, null where err is not 0; w the power in W, u utilization.gpu in %, mem memory used in MiB,
          each null where NVML could not read it; f 1 where w came from the averaged field.
End of stdin: nvmlShutdown and exit 0.

NVML signatures and return codes (nvml.h, NVML API Reference, docs.nvidia.com/deploy/nvml-api):
  nvmlReturn_t nvmlInit_v2(void)
  nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount)
  nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
  nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
  nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy)  (mJ, Volta+)
  nvmlReturn_t nvmlShutdown(void)
  nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t device, char *name, unsigned int length)
  nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t device, unsigned int *power)            (mW)
  nvmlReturn_t nvmlDeviceGetEnforcedPowerLimit(nvmlDevice_t device, unsigned int *limit)    (mW)
  nvmlReturn_t nvmlDeviceGetUtilizationRates(nvmlDevice_t device, nvmlUtilization_t *utilization)
      nvmlUtilization_t {unsigned int gpu; unsigned int memory}                            (%)
  nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t device, nvmlMemory_t *memory)
      nvmlMemory_t {unsigned long long total, free, used}                                   (bytes)
  nvmlReturn_t nvmlDeviceGetFieldValues(nvmlDevice_t device, int valuesCount, nvmlFieldValue_t *values)
      nvmlFieldValue_t {unsigned int fieldId, scopeId; long long timestamp, latencyUsec;
                        nvmlValueType_t valueType; nvmlReturn_t nvmlReturn; nvmlValue_t value (8-byte union)}
      NVML_FI_DEV_POWER_AVERAGE = 185 ("GPU power averaged over 1 sec interval, supported on Ampere (except
      GA100) or newer architectures"), value type NVML_VALUE_TYPE_UNSIGNED_INT = 1, in mW
  NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96
  NVML_SUCCESS = 0, NVML_ERROR_NOT_SUPPORTED = 3, NVML_ERROR_FUNCTION_NOT_FOUND = 13,
  NVML_DEVICE_UUID_BUFFER_SIZE = 80
"""
import ctypes
import json
import os
import select
import sys
import time

NVML_SUCCESS = 0
NVML_ERROR_FUNCTION_NOT_FOUND = 13
NVML_DEVICE_UUID_BUFFER_SIZE = 80
NVML_DEVICE_NAME_V2_BUFFER_SIZE = 96
NVML_FI_DEV_POWER_AVERAGE = 185
LIBRARY = "libnvidia-ml.so.1"


def emit(obj):
    write_line(json.dumps(obj, separators=(",", ":")))


def write_line(text):
    """One line in one write(2) straight to fd 1 (no text layer, no flush call: the answer is one wake-up)."""
    data = (text + "\n").encode("utf-8")
    while data:
        data = data[os.write(1, data) :]


def js(value):
    """A number or None as JSON (float repr is what json.dumps writes): replies are formatted, not json.dumps'd."""
    return "null" if value is None else repr(value)


def function(lib, name, argtypes):
    fn = getattr(lib, name)
    fn.argtypes = argtypes
    fn.restype = ctypes.c_int
    return fn


class Utilization(ctypes.Structure):
    _fields_ = [("gpu", ctypes.c_uint), ("memory", ctypes.c_uint)]


class Memory(ctypes.Structure):
    _fields_ = [("total", ctypes.c_ulonglong), ("free", ctypes.c_ulonglong), ("used", ctypes.c_ulonglong)]


class Value(ctypes.Union):
    _fields_ = [
        ("dVal", ctypes.c_double),
        ("uiVal", ctypes.c_uint),
        ("ulVal", ctypes.c_ulong),
        ("ullVal", ctypes.c_ulonglong),
        ("sllVal", ctypes.c_longlong),
    ]


class FieldValue(ctypes.Structure):
    _fields_ = [
        ("fieldId", ctypes.c_uint),
        ("scopeId", ctypes.c_uint),
        ("timestamp", ctypes.c_longlong),
        ("latencyUsec", ctypes.c_longlong),
        ("valueType", ctypes.c_int),
        ("nvmlReturn", ctypes.c_int),
        ("value", Value),
    ]


def number(parts, index):
    """parts[index] as a non-negative number of milliseconds; 0 when absent or not one."""
    if len(parts) <= index or not parts[index].replace(".", "", 1).isdigit():
        return 0.0
    return float(parts[index])


def optional(lib, name, argtypes):
    try:
        return function(lib, name, argtypes)
    except AttributeError:
        return None


class Power:
    """Power, utilisation and memory of one device, read at each tick."""

    def __init__(self, lib, handle):
        self.handle = handle
        self.usage = optional(lib, "nvmlDeviceGetPowerUsage", [ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint)])
        self.fields = optional(
            lib, "nvmlDeviceGetFieldValues", [ctypes.c_void_p, ctypes.c_int, ctypes.POINTER(FieldValue)]
        )
        self.util_fn = optional(
            lib, "nvmlDeviceGetUtilizationRates", [ctypes.c_void_p, ctypes.POINTER(Utilization)]
        )
        self.mem_fn = optional(lib, "nvmlDeviceGetMemoryInfo", [ctypes.c_void_p, ctypes.POINTER(Memory)])
        self.mw = ctypes.c_uint(0)
        self.field = FieldValue()
        self.util = Utilization()
        self.mem = Memory()
        # byref() made once: each tick passes the same pointers (no argument objects built per call)
        self.mw_ref = ctypes.byref(self.mw)
        self.field_ref = ctypes.byref(self.field)
        self.util_ref = ctypes.byref(self.util)
        self.mem_ref = ctypes.byref(self.mem)
        self.average = self.fields is not None and self.read_average() is not None

    def read_average(self):
        self.field.fieldId = NVML_FI_DEV_POWER_AVERAGE
        self.field.scopeId = 0
        if self.fields(self.handle, 1, self.field_ref) != NVML_SUCCESS:
            return None
        if self.field.nvmlReturn != NVML_SUCCESS or self.field.valueType != 1:
            return None
        return self.field.value.uiVal / 1000.0

    def read(self):
        """(W or None, from the averaged field, utilization % or None, memory used MiB or None)"""
        watts = self.read_average() if self.average else None
        averaged = watts is not None
        if watts is None and self.usage is not None:
            if self.usage(self.handle, self.mw_ref) == NVML_SUCCESS:
                watts = self.mw.value / 1000.0
        util = None
        if self.util_fn is not None and self.util_fn(self.handle, self.util_ref) == NVML_SUCCESS:
            util = self.util.gpu
        used = None
        if self.mem_fn is not None and self.mem_fn(self.handle, self.mem_ref) == NVML_SUCCESS:
            used = self.mem.used // 1048576
        return watts, averaged, util, used


def describe(lib, handle, power):
    """Static facts of one device for the hello: name, enforced power limit, total memory, power field."""
    name_fn = optional(lib, "nvmlDeviceGetName", [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint])
    limit_fn = optional(lib, "nvmlDeviceGetEnforcedPowerLimit", [ctypes.c_void_p, ctypes.POINTER(ctypes.c_uint)])
    name = None
    if name_fn is not None:
        buffer = ctypes.create_string_buffer(NVML_DEVICE_NAME_V2_BUFFER_SIZE)
        if name_fn(handle, buffer, NVML_DEVICE_NAME_V2_BUFFER_SIZE) == NVML_SUCCESS:
            name = buffer.value.decode("utf-8", "replace")
    limit = None
    if limit_fn is not None:
        mw = ctypes.c_uint(0)
        if limit_fn(handle, ctypes.byref(mw)) == NVML_SUCCESS:
            limit = mw.value / 1000.0
    total = None
    if power.mem_fn is not None and power.mem_fn(handle, ctypes.byref(power.mem)) == NVML_SUCCESS:
        total = power.mem.total // 1048576
    return {
        "name": name,
        "limitW": limit,
        "memTotalMiB": total,
        "powerField": "power.draw.average" if power.average else "power.draw",
    }


def main():
    try:
        lib = ctypes.CDLL(LIBRARY)
    except OSError as error:
        emit({"ok": False, "error": "%s could not be loaded (%s)" % (LIBRARY, error), "code": None})
        return 0
    try:
        init = function(lib, "nvmlInit_v2", [])
        count_fn = function(lib, "nvmlDeviceGetCount_v2", [ctypes.POINTER(ctypes.c_uint)])
        handle_fn = function(
            lib, "nvmlDeviceGetHandleByIndex_v2", [ctypes.c_uint, ctypes.POINTER(ctypes.c_void_p)]
        )
        uuid_fn = function(lib, "nvmlDeviceGetUUID", [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_uint])
        shutdown = function(lib, "nvmlShutdown", [])
    except AttributeError as error:
        emit({"ok": False, "error": "%s lacks a function (%s)" % (LIBRARY, error), "code": None})
        return 0
    try:
        energy_fn = function(
            lib,
            "nvmlDeviceGetTotalEnergyConsumption",
            [ctypes.c_void_p, ctypes.POINTER(ctypes.c_ulonglong)],
        )
    except AttributeError:
        energy_fn = None  # drivers older than the counter: every device answers FUNCTION_NOT_FOUND

    rc = init()
    if rc != NVML_SUCCESS:
        emit({"ok": False, "error": "nvmlInit_v2 returned %d" % rc, "code": rc})
        return 0
    count = ctypes.c_uint(0)
    rc = count_fn(ctypes.byref(count))
    if rc != NVML_SUCCESS:
        emit({"ok": False, "error": "nvmlDeviceGetCount_v2 returned %d" % rc, "code": rc})
        shutdown()
        return 0

    handles = []
    handle_codes = []
    uuids = []
    gpus = []
    powers = []
    for index in range(count.value):
        handle = ctypes.c_void_p()
        rc = handle_fn(index, ctypes.byref(handle))
        if rc != NVML_SUCCESS:
            handles.append(None)
            handle_codes.append(rc)
            uuids.append(None)
            gpus.append(None)
            powers.append(None)
            continue
        handle_codes.append(NVML_SUCCESS)
        buffer = ctypes.create_string_buffer(NVML_DEVICE_UUID_BUFFER_SIZE)
        ok = uuid_fn(handle, buffer, NVML_DEVICE_UUID_BUFFER_SIZE) == NVML_SUCCESS
        handles.append(handle)
        uuids.append(buffer.value.decode("ascii", "replace") if ok else None)
        power = Power(lib, handle)
        powers.append(power)
        gpus.append(describe(lib, handle, power))
    emit({"ok": True, "uuids": uuids, "gpus": gpus})

    energy = ctypes.c_ulonglong(0)
    energy_ref = ctypes.byref(energy)
    # Per device: (handle, its code when the handle failed or the counter function is missing, its Power).
    devices = [
        (handle, handle_code if handle is None else NVML_ERROR_FUNCTION_NOT_FOUND, power)
        for handle, handle_code, power in zip(handles, handle_codes, powers)
    ]
    no_power = (None, False, None, None)

    def answer(seq_json, with_power):
        """One reply line, formatted directly (the same JSON the protocol documents, keys in the same order)."""
        values = []
        codes = []
        parts = ['{"seq":', seq_json]
        if with_power:
            watts, utils, used, averaged = [], [], [], []
            for _, _, power in devices:
                w, f, u, m = power.read() if power is not None else no_power
                watts.append(js(w))
                averaged.append("1" if f else "0")
                utils.append(js(u))
                used.append(js(m))
            parts += [',"w":[', ",".join(watts), '],"u":[', ",".join(utils), '],"mem":[', ",".join(used)]
            parts += ['],"f":[', ",".join(averaged), "]"]
        for handle, missing_code, _ in devices:
            if handle is None or energy_fn is None:
                values.append("null")
                codes.append(str(missing_code))
                continue
            rc = energy_fn(handle, energy_ref)
            values.append(str(energy.value) if rc == NVML_SUCCESS else "null")
            codes.append(str(rc))
        parts += [',"e":[', ",".join(values), '],"err":[', ",".join(codes), "]}"]
        write_line("".join(parts))

    # A request with a delay is answered when it falls due, and with a period again every period after: the
    # helper is the tick's clock, so the sampler wakes once per tick (at the answer), writes nothing to ask, and
    # this process wakes once (at the due time). A newer request replaces one still waiting (the sampler's last
    # reading at stop asks with no delay).
    pending = None  # [seq, with_power, due on time.monotonic(), period s or 0]
    buffered = b""
    while True:
        timeout = None if pending is None else max(0.0, pending[2] - time.monotonic())
        ready = select.select([0], [], [], timeout)[0] if timeout != 0.0 else []
        if not ready:
            answer(pending[0], pending[1])
            if pending[3] > 0:
                now = time.monotonic()
                pending[2] += pending[3]
                if pending[2] < now:  # missed periods (a stopped process): skipped, not answered in a burst
                    pending[2] = now + pending[3]
            else:
                pending = None
            continue
        chunk = os.read(0, 4096)
        if not chunk:
            break
        buffered += chunk
        while b"\n" in buffered:
            raw, buffered = buffered.split(b"\n", 1)
            parts = raw.decode("ascii", "replace").split()
            seq = json.dumps(parts[0][:32] if parts else "")  # as JSON once per request, not per answer
            with_power = len(parts) > 1 and parts[1] == "p"
            delay_ms = number(parts, 2)
            period_ms = number(parts, 3)
            if delay_ms > 0 or period_ms > 0:
                pending = [seq, with_power, time.monotonic() + delay_ms / 1000.0, period_ms / 1000.0]
            else:
                pending = None
                answer(seq, with_power)
    shutdown()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(0)
