/* The teaching trace's hook into the seam (trace_hook.h): NULL until
 * lib/ws2/trace.c turns tracing on. */
#include "trace_hook.h"

#include <stddef.h>

common__seam_trace_fn common__seam_trace = NULL;
