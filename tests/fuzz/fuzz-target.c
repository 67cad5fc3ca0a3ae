/* fuzz-target.c: what a user types or pastes as the host (rd_target_parse,
 * rd_target_new_from_parts), any bytes, invalid UTF-8 included
 *
 * The input is the text; a NUL byte in it splits it into the host and port
 * fields of rd_target_new_from_parts().
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rd-catalog.h"
#include "rd-target.h"
#include "rd-fuzz.h"

/* rd-target.c's SHELL_CHARACTERS, plus white space and quotes: nothing a
 * command line or a report could misread may reach a host. */
#define FORBIDDEN ";|&$`<>()'\"\\*?!{}~#%^=,@+ \t\r\n[]/"

static void
check_target (RdTarget *target,
              guint16   default_port)
{
  g_autoptr(RdTarget) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_autofree char *sh = NULL;
  g_autofree char *powershell = NULL;
  const char *host = rd_target_get_host (target);

  g_assert_nonnull (host);
  g_assert_cmpuint (strlen (host), >, 0);
  for (const char *p = host; *p; p++)
    {
      g_assert_true (g_ascii_isgraph (*p));
      g_assert_null (strchr (FORBIDDEN, *p));
    }
  /* never mistaken for an option of a command it is passed to */
  g_assert_cmpint (host[0], !=, '-');
  g_assert_true (g_utf8_validate (rd_target_get_display_host (target), -1, NULL));
  g_assert_cmpuint (rd_target_get_port (target), !=, 0);

  /* What we print reads back as the same target. */
  text = rd_target_to_string (target);
  again = rd_target_parse (text, default_port, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (rd_target_get_host (again), ==, host);
  g_assert_cmpuint (rd_target_get_port (again), ==, rd_target_get_port (target));
  g_assert_cmpint (rd_target_is_ip_literal (again), ==, rd_target_is_ip_literal (target));

  sh = rd_shell_quote ("sh", host);
  powershell = rd_shell_quote ("powershell", host);
  g_assert_nonnull (sh);
  g_assert_nonnull (powershell);
}

static void
parse (const char *text,
       guint16     default_port)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdTarget) target = rd_target_parse (text, default_port, &error);

  if (target == NULL)
    {
      g_assert_error (error, RD_TARGET_ERROR, error->code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return;
    }
  g_assert_no_error (error);
  check_target (target, default_port);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  const guint8 *nul = memchr (data, '\0', size);

  parse (text, RD_DEFAULT_RDP_PORT);
  parse (text, 1);

  if (nul != NULL)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *port = g_strndup ((const char *) nul + 1, size - (gsize) (nul - data) - 1);
      g_autoptr(RdTarget) target = rd_target_new_from_parts (text, port, RD_DEFAULT_RDP_PORT, &error);

      if (target == NULL)
        {
          g_assert_error (error, RD_TARGET_ERROR, error->code);
          /* the wizard shows it under the field */
          g_assert_true (g_utf8_validate (error->message, -1, NULL));
        }
      else
        check_target (target, RD_DEFAULT_RDP_PORT);
    }
  return 0;
}
