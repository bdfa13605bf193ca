"""ml-footprint: NVML energy counter reader (stdlib only, no pip package, no compiler).

Started once by the sampler as a long-running child: `python3 -I -u nvml_reader.py`.
Loads libnvidia-ml.so.1 by its soname, the way the dynamic loader finds it (LD_LIBRARY_PATH works).

Protocol, one JSON object per line on stdout:
  hello   {"ok":true,"uuids":["GPU-…",null,…]}   NVML device order; null where the handle or UUID failed
          {"ok":false,"error":"…","code":N}       NVML unusable; the helper exits at once
  reply   {"seq":"7","e":[123456789,null],"err":[0,3]}
          one reply per line read on stdin (the line is echoed as "seq"); e is
          nvmlDeviceGetTotalEnergyConsumption in mJ since the driver was loaded, null where err is not 0.
End of stdin: nvmlShutdown and exit 0.

NVML signatures and return codes (nvml.h, NVML API Reference, docs.nvidia.com/deploy/nvml-api):
  nvmlReturn_t nvmlInit_v2(void)
  nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int *deviceCount)
  nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int index, nvmlDevice_t *device)
  nvmlReturn_t nvmlDeviceGetUUID(nvmlDevice_t device, char *uuid, unsigned int length)
  nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t device, unsigned long long *energy)  (mJ, Volta+)
  nvmlReturn_t nvmlShutdown(void)
  NVML_SUCCESS = 0, NVML_ERROR_NOT_SUPPORTED = 3, NVML_ERROR_FUNCTION_NOT_FOUND = 13,
  NVML_DEVICE_UUID_BUFFER_SIZE = 80
"""
import ctypes
import json
import sys

NVML_SUCCESS = 0
NVML_ERROR_FUNCTION_NOT_FOUND = 13
NVML_DEVICE_UUID_BUFFER_SIZE = 80
LIBRARY = "libnvidia-ml.so.1"


def emit(obj):
    sys.stdout.write(json.dumps(obj, separators=(",", ":")) + "\n")
    sys.stdout.flush()


def function(lib, name, argtypes):
    fn = getattr(lib, name)
    fn.argtypes = argtypes
    fn.restype = ctypes.c_int
    return fn


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
    for index in range(count.value):
        handle = ctypes.c_void_p()
        rc = handle_fn(index, ctypes.byref(handle))
        if rc != NVML_SUCCESS:
            handles.append(None)
            handle_codes.append(rc)
            uuids.append(None)
            continue
        handle_codes.append(NVML_SUCCESS)
        buffer = ctypes.create_string_buffer(NVML_DEVICE_UUID_BUFFER_SIZE)
        ok = uuid_fn(handle, buffer, NVML_DEVICE_UUID_BUFFER_SIZE) == NVML_SUCCESS
        handles.append(handle)
        uuids.append(buffer.value.decode("ascii", "replace") if ok else None)
    emit({"ok": True, "uuids": uuids})

    energy = ctypes.c_ulonglong(0)
    while True:
        line = sys.stdin.readline()
        if line == "":
            break
        values = []
        codes = []
        for handle, handle_code in zip(handles, handle_codes):
            if handle is None or energy_fn is None:
                values.append(None)
                codes.append(handle_code if handle is None else NVML_ERROR_FUNCTION_NOT_FOUND)
                continue
            rc = energy_fn(handle, ctypes.byref(energy))
            values.append(energy.value if rc == NVML_SUCCESS else None)
            codes.append(rc)
        emit({"seq": line.strip()[:32], "e": values, "err": codes})
    shutdown()
    return 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except (BrokenPipeError, KeyboardInterrupt):
        sys.exit(0)
