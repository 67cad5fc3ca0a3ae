/* rd-fuzz.c: start-up shared by every fuzz target
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <locale.h>
#include <stdlib.h>

#include "rd-fuzz.h"

/* A critical is a g_return_if_fail() that the input reached: a bug, as is a
 * warning. GLib's own fatal path raises SIGTRAP, which libFuzzer does not
 * catch (no input saved), so abort() instead. */
static GLogWriterOutput
write_log (GLogLevelFlags   level,
           const GLogField *fields,
           gsize            n_fields,
           gpointer         user_data)
{
  GLogWriterOutput written = g_log_writer_default (level, fields, n_fields, user_data);

  if ((level & (G_LOG_LEVEL_ERROR | G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING)) != 0)
    abort ();
  return written;
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  g_log_set_writer_func (write_log, NULL, NULL);
  g_setenv ("LC_ALL", "C.UTF-8", TRUE);
  setlocale (LC_ALL, "");
  return 0;
}
