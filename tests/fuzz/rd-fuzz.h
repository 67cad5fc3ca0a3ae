/* rd-fuzz.h: what every fuzz target shares. Each fuzz-<name>.c defines
 * LLVMFuzzerTestOneInput(); rd-fuzz.c gives them all the same start-up, and
 * fuzz-replay.c runs them as plain programs over saved inputs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <glib.h>

G_BEGIN_DECLS

int LLVMFuzzerInitialize   (int            *argc,
                            char         ***argv);
int LLVMFuzzerTestOneInput (const uint8_t  *data,
                            size_t          size);

/* A failed decode must say why, in the domain the header promises. */
#define rd_fuzz_assert_failed(ok, error, quark) \
  G_STMT_START { \
    if (!(ok)) \
      { \
        g_assert_nonnull (error); \
        g_assert_true ((error)->domain == (quark)); \
      } \
    else \
      { \
        g_assert_no_error (error); \
      } \
  } G_STMT_END

G_END_DECLS
