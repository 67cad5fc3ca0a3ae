/* rd-proto-error.c: how wire-format code says that bytes are not what they claim
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-proto-error"

#include "config.h"

#include "rd-proto-error.h"

G_DEFINE_QUARK (rd-proto-error-quark, rd_proto_error)
