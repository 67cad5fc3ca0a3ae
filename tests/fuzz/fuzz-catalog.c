/* fuzz-catalog.c: a fix catalog document (rd_catalog_new_from_data). The
 * built-in one is part of the program, but IT staff add their own notes to
 * it without a rebuild, so the parser takes any XML.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "rd-catalog.h"
#include "rd-target.h"
#include "rd-fuzz.h"

static RdTarget *
fuzz_target (void)
{
  static RdTarget *target;

  if (target == NULL)
    target = rd_target_parse ("[2001:db8::1]:3390", RD_DEFAULT_RDP_PORT, NULL);
  return target;
}

static void
check_fix (const RdCatalogFix *fix)
{
  g_assert_nonnull (fix->id);
  g_assert_nonnull (fix->title);
  g_assert_cmpuint (fix->steps->len, >, 0);

  for (guint s = 0; s < fix->steps->len; s++)
    {
      const RdCatalogStep *step = g_ptr_array_index (fix->steps, s);

      g_assert_nonnull (step->text);
      if (step->command != NULL)
        {
          g_autofree char *plain = NULL;
          g_autofree char *rendered = NULL;

          g_assert_nonnull (step->command->shell);
          plain = rd_catalog_command_render (step->command, NULL);
          g_assert_cmpstr (plain, ==, step->command->text != NULL ? step->command->text : "");
          /* as the wizard shows it */
          rendered = rd_catalog_command_render (step->command, fuzz_target ());
          g_assert_nonnull (rendered);
        }
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) xml = g_bytes_new (data, size);
  g_autoptr(GError) error = NULL;
  g_autoptr(RdCatalog) catalog = rd_catalog_new_from_data (xml, &error);
  GPtrArray *causes;

  if (catalog == NULL)
    {
      g_assert_nonnull (error);
      return 0;
    }
  g_assert_no_error (error);

  causes = rd_catalog_get_causes (catalog);
  for (guint i = 0; i < causes->len; i++)
    {
      const RdCatalogCause *cause = g_ptr_array_index (causes, i);

      g_assert_nonnull (cause->id);
      g_assert_nonnull (cause->title);
      g_assert_nonnull (cause->explanation);
      g_assert_nonnull (cause->recheck);
      g_assert_cmpuint (cause->fixes->len, >, 0);
      /* the first cause of an id is the one looked up */
      g_assert_nonnull (rd_catalog_lookup (catalog, cause->id));
      for (guint f = 0; f < cause->fixes->len; f++)
        check_fix (g_ptr_array_index (cause->fixes, f));
    }
  return 0;
}
