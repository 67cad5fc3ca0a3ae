/* fuzz-server-evidence.c: the evidence file the server-side script writes,
 * as the user imports it (rd_server_evidence_import)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rd-check-result.h"
#include "rd-json.h"
#include "rd-server-evidence.h"
#include "rd-fuzz.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(RdCheckResult) result = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (size > G_MAXSSIZE)
    return 0;
  result = rd_server_evidence_import ((const char *) data, (gssize) size, &error);
  if (result == NULL)
    {
      g_assert_error (error, RD_SERVER_EVIDENCE_ERROR, error->code);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  node = rd_check_result_to_json (result);
  text = rd_json_to_string (node, TRUE);
  g_assert_true (g_utf8_validate (text, -1, NULL));
  return 0;
}
