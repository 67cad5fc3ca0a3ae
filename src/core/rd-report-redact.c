/* rd-report-redact.c: a report with the names left out, for the help desk
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-report-redact"

#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "rd-report-redact.h"

/* What a redacted report leaves out (README.md "For IT staff" repeats this list):
 *
 *  - these members, wherever they are, become "redacted" (strings, and every
 *    string in an array); null stays null:
 *      host, display_host, gateway    what the user typed
 *      query, address, reverse        names and addresses DNS and TCP saw
 *      subject, subject_cn, san       the certificate's names
 *      sha1, sha256                   its fingerprints (they find the host in
 *                                     certificate transparency logs)
 *      nb_computer, nb_domain, dns_computer, dns_domain, dns_tree
 *                                     the Windows names NTLM announced
 *      user, username, user_name, domain
 *  - every value of those members, and the user's login name, full name and
 *    home folder, is replaced wherever it appears in other text (summaries,
 *    explanations, rendered commands, the issuer), ignoring case;
 *  - any other text that reads as an IPv4 or IPv6 address is replaced too.
 *
 * Ports, statuses, timings, protocols, error codes and cause ids stay: they are
 * what the help desk needs. The report gets "redacted": true at its top. */

static const char * const redacted_members[] = {
  "host", "display_host", "gateway",
  "query", "address", "reverse",
  "subject", "subject_cn", "san",
  "sha1", "sha256",
  "nb_computer", "nb_domain", "dns_computer", "dns_domain", "dns_tree",
  "user", "username", "user_name", "domain",
  NULL
};

/* Shorter words would eat ordinary text. */
#define MIN_WORD_LENGTH 3

/* Candidate addresses: runs of hex digits, colons and dots that do not touch a
 * letter or digit. GInetAddress then decides; "10:00:00" or "0.1.0" are not
 * addresses and stay. */
#define ADDRESS_PATTERN "(?<![0-9A-Za-z.:])[0-9A-Fa-f:.]*[:.][0-9A-Fa-f:.]*(?![0-9A-Za-z])"

static JsonNode *
deep_copy (JsonNode *node)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *object = json_node_get_object (node);
        JsonObject *copy = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        JsonNode *result;

        json_object_iter_init (&iter, object);
        while (json_object_iter_next (&iter, &name, &member))
          json_object_set_member (copy, name, deep_copy (member));
        result = json_node_init_object (json_node_alloc (), copy);
        json_object_unref (copy);
        return result;
      }

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *copy = json_array_sized_new (json_array_get_length (array));
        JsonNode *result;

        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy, deep_copy (json_array_get_element (array, i)));
        result = json_node_init_array (json_node_alloc (), copy);
        json_array_unref (copy);
        return result;
      }

    case JSON_NODE_VALUE:
      /* json_node_copy() would share the JsonValue, and setting the copy's
       * string would change the caller's report too. */
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          return json_node_init_string (json_node_alloc (), json_node_get_string (node));
        case G_TYPE_BOOLEAN:
          return json_node_init_boolean (json_node_alloc (), json_node_get_boolean (node));
        case G_TYPE_DOUBLE:
          return json_node_init_double (json_node_alloc (), json_node_get_double (node));
        case G_TYPE_INT64:
        default:
          return json_node_init_int (json_node_alloc (), json_node_get_int (node));
        }

    case JSON_NODE_NULL:
    default:
      return json_node_init_null (json_node_alloc ());
    }
}

static void
add_word (GPtrArray  *words,
          const char *word)
{
  if (word == NULL || g_utf8_strlen (word, -1) < MIN_WORD_LENGTH)
    return;
  if (g_ascii_strcasecmp (word, RD_REPORT_REDACTED) == 0)
    return;
  if (!g_ptr_array_find_with_equal_func (words, word, g_str_equal, NULL))
    g_ptr_array_add (words, g_strdup (word));
}

static void
add_words_of (GPtrArray *words,
              JsonNode  *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      add_word (words, json_node_get_string (node));
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        add_words_of (words, json_array_get_element (array, i));
    }
}

/* Collects the sensitive values, then replaces them in place. */
static void
redact_members (JsonNode  *node,
                GPtrArray *words)
{
  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *object = json_node_get_object (node);
      JsonObjectIter iter;
      const char *name;
      JsonNode *member;

      json_object_iter_init (&iter, object);
      while (json_object_iter_next (&iter, &name, &member))
        {
          /* An object under such a name ("gateway": { "host": … }) is
           * looked into like any other. */
          if (g_strv_contains (redacted_members, name) && !JSON_NODE_HOLDS_OBJECT (member))
            {
              add_words_of (words, member);
              if (JSON_NODE_HOLDS_VALUE (member))
                json_node_set_string (member, RD_REPORT_REDACTED);
              else if (JSON_NODE_HOLDS_ARRAY (member))
                {
                  JsonArray *array = json_node_get_array (member);

                  for (guint i = 0; i < json_array_get_length (array); i++)
                    {
                      JsonNode *element = json_array_get_element (array, i);

                      if (JSON_NODE_HOLDS_VALUE (element))
                        json_node_set_string (element, RD_REPORT_REDACTED);
                    }
                }
              continue;
            }
          redact_members (member, words);
        }
    }
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        redact_members (json_array_get_element (array, i), words);
    }
}

static gboolean
is_word_character (const char *p)
{
  gunichar c = g_utf8_get_char (p);

  return g_unichar_isalnum (c) || c == '_' || c == '-';
}

/* Replaces @word in @text, ignoring case, where it stands alone: "srv" is not
 * replaced inside "srv-2" or "mysrv". */
static char *
replace_word (const char *text,
              const char *word)
{
  g_autofree char *folded_text = NULL;
  g_autofree char *folded_word = g_utf8_casefold (word, -1);
  GString *out;
  const char *p;
  gsize length;

  /* Case folding may change byte lengths; compare on the folded text only when
   * it keeps them, else match exactly. */
  folded_text = g_utf8_casefold (text, -1);
  if (strlen (folded_text) != strlen (text) || strlen (folded_word) != strlen (word))
    {
      g_free (folded_text);
      g_free (folded_word);
      folded_text = g_strdup (text);
      folded_word = g_strdup (word);
    }

  length = strlen (folded_word);
  out = g_string_new (NULL);
  p = folded_text;
  while (*p != '\0')
    {
      const char *found = strstr (p, folded_word);
      const char *start;
      const char *end;

      if (found == NULL)
        break;
      start = text + (found - folded_text);
      end = start + length;
      g_string_append_len (out, text + (p - folded_text), start - (text + (p - folded_text)));
      if ((start == text || !is_word_character (g_utf8_prev_char (start))) &&
          (*end == '\0' || !is_word_character (end)))
        g_string_append (out, RD_REPORT_REDACTED);
      else
        g_string_append_len (out, start, length);
      p = found + length;
    }
  g_string_append (out, text + (p - folded_text));
  return g_string_free (out, FALSE);
}

static gboolean
replace_address_cb (const GMatchInfo *match_info,
                    GString          *result,
                    gpointer          user_data)
{
  g_autofree char *candidate = g_match_info_fetch (match_info, 0);
  g_autoptr(GInetAddress) address = NULL;
  g_auto(GStrv) v4_and_port = NULL;
  gsize length = strlen (candidate);
  gsize trimmed = length;

  /* A sentence may end right after an address. */
  while (trimmed > 0 && candidate[trimmed - 1] == '.')
    trimmed--;
  candidate[trimmed] = '\0';

  address = g_inet_address_new_from_string (candidate);
  if (address == NULL)
    {
      /* 192.0.2.1:3389 */
      v4_and_port = g_strsplit (candidate, ":", 2);
      if (v4_and_port[0] != NULL && v4_and_port[1] != NULL &&
          strchr (v4_and_port[0], '.') != NULL && strchr (v4_and_port[1], ':') == NULL)
        address = g_inet_address_new_from_string (v4_and_port[0]);
      if (address == NULL)
        {
          g_string_append (result, candidate);
        }
      else
        {
          g_string_append (result, RD_REPORT_REDACTED);
          g_string_append_c (result, ':');
          g_string_append (result, v4_and_port[1]);
        }
    }
  else
    {
      g_string_append (result, RD_REPORT_REDACTED);
    }

  for (gsize i = trimmed; i < length; i++)
    g_string_append_c (result, '.');
  return FALSE;
}

static char *
scrub_text (const char *text,
            GPtrArray  *words,
            GRegex     *addresses)
{
  g_autofree char *current = g_strdup (text);

  for (guint i = 0; i < words->len; i++)
    {
      char *next = replace_word (current, g_ptr_array_index (words, i));

      g_free (current);
      current = next;
    }
  return g_regex_replace_eval (addresses, current, -1, 0, 0, replace_address_cb, NULL, NULL);
}

static void
scrub_strings (JsonNode  *node,
               GPtrArray *words,
               GRegex    *addresses)
{
  switch (JSON_NODE_TYPE (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;

        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          scrub_strings (member, words, addresses);
      }
      break;

    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);

        for (guint i = 0; i < json_array_get_length (array); i++)
          scrub_strings (json_array_get_element (array, i), words, addresses);
      }
      break;

    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *scrubbed = scrub_text (json_node_get_string (node), words, addresses);

          json_node_set_string (node, scrubbed);
        }
      break;

    case JSON_NODE_NULL:
    default:
      break;
    }
}

static int
compare_longest_first (gconstpointer a,
                       gconstpointer b)
{
  gsize length_a = strlen (*(const char * const *) a);
  gsize length_b = strlen (*(const char * const *) b);

  return length_a < length_b ? 1 : length_a > length_b ? -1 : 0;
}

/**
 * rd_report_redact_with_names:
 * @report: a report, as rd_diagnosis_to_json() gives it
 * @user_names: (nullable) (array zero-terminated=1): further words to leave
 *   out: the user's login name, full name, home folder
 *
 * A pure function: @report is not changed, and nothing is read from the
 * system. What is left out is listed at the top of rd-report-redact.c.
 *
 * Returns: (transfer full): a redacted copy of @report
 */
JsonNode *
rd_report_redact_with_names (JsonNode           *report,
                             const char * const *user_names)
{
  g_autoptr(GPtrArray) words = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GRegex) addresses = NULL;
  JsonNode *copy;

  g_return_val_if_fail (report != NULL, NULL);

  copy = deep_copy (report);
  for (guint i = 0; user_names != NULL && user_names[i] != NULL; i++)
    add_word (words, user_names[i]);
  redact_members (copy, words);

  /* The longest first, so that "srv.example.com" goes as a whole before "srv". */
  g_ptr_array_sort (words, compare_longest_first);
  addresses = g_regex_new (ADDRESS_PATTERN, G_REGEX_OPTIMIZE, 0, NULL);
  g_assert (addresses != NULL);
  scrub_strings (copy, words, addresses);

  if (JSON_NODE_HOLDS_OBJECT (copy))
    json_object_set_boolean_member (json_node_get_object (copy), "redacted", TRUE);
  return copy;
}

/**
 * rd_report_redact:
 * @report: a report, as rd_diagnosis_to_json() gives it
 *
 * rd_report_redact_with_names() with this user's login name, full name and
 * home folder.
 *
 * Returns: (transfer full): a redacted copy of @report
 */
JsonNode *
rd_report_redact (JsonNode *report)
{
  const char *real_name = g_get_real_name ();
  const char *names[] = {
    g_get_home_dir (),
    g_get_user_name (),
    g_strcmp0 (real_name, "Unknown") != 0 ? real_name : NULL,
    NULL
  };

  return rd_report_redact_with_names (report, names);
}
