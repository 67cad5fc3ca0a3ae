/* fuzz-error-code.c: the error code a user pastes (rd_error_code_parse)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rd-error-code.h"
#include "rd-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);
  g_autoptr(GError) error = NULL;
  RdErrorCode *code = rd_error_code_parse (text, &error);
  g_autofree char *description = NULL;
  JsonNode *json;

  if (code == NULL)
    {
      g_assert_nonnull (error);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);

  for (guint i = 0; i < rd_error_code_get_n_codes (code); i++)
    {
      const RdDecodedCode *decoded = rd_error_code_get_code (code, i);

      g_assert_true (decoded->meaning == NULL || g_utf8_validate (decoded->meaning, -1, NULL));
    }
  description = rd_error_code_describe (code);
  g_assert_true (description == NULL || g_utf8_validate (description, -1, NULL));
  json = rd_error_code_to_json (code);
  json_node_unref (json);
  rd_error_code_unref (code);
  return 0;
}
