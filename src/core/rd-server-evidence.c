/* rd-server-evidence.c: what the host's administrator collects with the
 * read-only evidence script, brought back into the diagnosis
 *
 * The document comes from another computer, by mail or chat, through
 * PowerShell's redirection (UTF-16) or a copy from a console window: it is
 * outside input. It is decoded, checked field by field against the schema
 * below and rewritten in one normal form, so that the diagnosis rules never
 * meet a value of an unexpected type.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-server-evidence"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <json-glib/json-glib.h>

#include "rd-check-result.h"
#include "rd-server-evidence.h"

#define SCRIPT_RESOURCE RESOURCE_BASE "/core/rd-server-evidence.ps1"
#define SCHEMA_PREFIX "rdp-doctor-server-evidence/"

/* Longer strings are cut: nothing the script reads is this long, and the
 * strings end up in reports and on screen. */
#define MAX_STRING_CHARS 1024

G_DEFINE_QUARK (rd-server-evidence-error-quark, rd_server_evidence_error)

typedef enum
{
  FIELD_STRING,
  FIELD_INT,
  FIELD_DWORD,     /* a registry REG_DWORD: PowerShell may give 0xFFFFFFFF as -1 */
  FIELD_BOOL,
  FIELD_TIME,      /* ISO 8601, normalised to UTC "YYYY-MM-DDTHH:MM:SSZ" */
  FIELD_OBJECT,
  FIELD_ARRAY,
} FieldType;

typedef enum
{
  CANON_NONE,
  CANON_LOWER,     /* PowerShell enum names: "Running" → "running" */
  CANON_HEX,       /* thumbprints: upper case, no separators */
} Canon;

typedef struct _Field Field;
struct _Field
{
  const char  *name;
  FieldType    type;
  gboolean     required;   /* absent or null is an error */
  Canon        canon;
  const Field *children;   /* OBJECT: the members, up to { NULL }; ARRAY: the element */
};

#define STRING(n)        { n, FIELD_STRING, FALSE, CANON_NONE, NULL }
#define LOWER(n)         { n, FIELD_STRING, FALSE, CANON_LOWER, NULL }
#define INT(n)           { n, FIELD_INT, FALSE, CANON_NONE, NULL }
#define DWORD(n)         { n, FIELD_DWORD, FALSE, CANON_NONE, NULL }
#define BOOL(n)          { n, FIELD_BOOL, FALSE, CANON_NONE, NULL }
#define TIME(n)          { n, FIELD_TIME, FALSE, CANON_NONE, NULL }
#define OBJECT(n, f)     { n, FIELD_OBJECT, FALSE, CANON_NONE, f }
#define ARRAY(n, e)      { n, FIELD_ARRAY, FALSE, CANON_NONE, e }
#define REQUIRED(n, t)   { n, t, TRUE, CANON_NONE, NULL }
#define END              { NULL, 0, FALSE, CANON_NONE, NULL }

static const Field a_string = STRING (NULL);
static const Field a_lower_string = LOWER (NULL);
static const Field an_int = INT (NULL);

static const Field os_fields[] = {
  STRING ("caption"), STRING ("version"), STRING ("build"), INT ("product_type"), END
};
static const Field service_fields[] = { LOWER ("status"), LOWER ("start_type"), END };
static const Field services_fields[] = {
  OBJECT ("TermService", service_fields),
  OBJECT ("UmRdpService", service_fields),
  OBJECT ("SessionEnv", service_fields),
  END
};
static const Field terminal_server_fields[] = {
  DWORD ("fDenyTSConnections"), DWORD ("MaxOutstandingConnections"), END
};
static const Field policy_fields[] = {
  DWORD ("fDenyTSConnections"), DWORD ("UserAuthentication"), DWORD ("SecurityLayer"),
  DWORD ("MinEncryptionLevel"), DWORD ("MaxInstanceCount"), DWORD ("LicensingMode"),
  STRING ("LicenseServers"), END
};
static const Field rdp_tcp_fields[] = {
  DWORD ("PortNumber"), DWORD ("SecurityLayer"), DWORD ("UserAuthentication"),
  DWORD ("MinEncryptionLevel"), DWORD ("MaxInstanceCount"), DWORD ("fEnableWinStation"),
  { "SSLCertificateSHA1Hash", FIELD_STRING, FALSE, CANON_HEX, NULL }, END
};
static const Field listener_fields[] = {
  STRING ("address"), INT ("port"), INT ("process_id"), END
};
static const Field a_listener = OBJECT (NULL, listener_fields);
static const Field firewall_profile_fields[] = {
  LOWER ("name"), BOOL ("enabled"), LOWER ("default_inbound_action"), END
};
static const Field a_firewall_profile = OBJECT (NULL, firewall_profile_fields);
static const Field firewall_rule_fields[] = {
  STRING ("name"), STRING ("display_name"), BOOL ("enabled"),
  ARRAY ("profiles", &a_lower_string), LOWER ("direction"), LOWER ("action"),
  LOWER ("protocol"), ARRAY ("local_ports", &a_string), END
};
static const Field a_firewall_rule = OBJECT (NULL, firewall_rule_fields);
static const Field network_profile_fields[] = {
  STRING ("interface"), INT ("interface_index"), STRING ("name"), LOWER ("category"), END
};
static const Field a_network_profile = OBJECT (NULL, network_profile_fields);
static const Field acl_entry_fields[] = {
  STRING ("sid"), STRING ("name"), LOWER ("type"), STRING ("rights"), END
};
static const Field an_acl_entry = OBJECT (NULL, acl_entry_fields);
static const Field certificate_fields[] = {
  { "thumbprint", FIELD_STRING, FALSE, CANON_HEX, NULL },
  BOOL ("found"), STRING ("store"), STRING ("subject"), TIME ("not_after"),
  BOOL ("has_private_key"), STRING ("key_source"), STRING ("key_file"),
  BOOL ("network_service_can_read"), ARRAY ("key_acl", &an_acl_entry), END
};
static const Field event_summary_fields[] = {
  REQUIRED ("count", FIELD_INT), TIME ("newest"), ARRAY ("ids", &an_int), END
};
static const Field log_summary_fields[] = {
  STRING ("log"), REQUIRED ("count", FIELD_INT), TIME ("newest"), ARRAY ("ids", &an_int), END
};
static const Field a_log_summary = OBJECT (NULL, log_summary_fields);
static const Field events_fields[] = {
  INT ("days"),
  OBJECT ("schannel_36870", event_summary_fields),
  ARRAY ("terminal_services", &a_log_summary),
  OBJECT ("user_profile_errors", event_summary_fields),
  END
};
static const Field session_fields[] = {
  STRING ("session_name"), STRING ("user"), REQUIRED ("id", FIELD_INT),
  REQUIRED ("state", FIELD_STRING), BOOL ("current"), END
};
static const Field a_session = OBJECT (NULL, session_fields);
static const Field licensing_fields[] = {
  INT ("terminal_server_mode"), INT ("licensing_type"), STRING ("licensing_name"),
  DWORD ("policy_licensing_mode"), ARRAY ("license_servers", &a_string), END
};
static const Field credssp_fields[] = { DWORD ("AllowEncryptionOracle"), END };
static const Field error_fields[] = { STRING ("section"), STRING ("message"), END };
static const Field an_error = OBJECT (NULL, error_fields);

static const Field document_fields[] = {
  REQUIRED ("schema", FIELD_STRING),
  INT ("script_version"),
  REQUIRED ("computer_name", FIELD_STRING),
  REQUIRED ("collected_at", FIELD_TIME),
  STRING ("culture"),
  BOOL ("is_admin"),
  OBJECT ("os", os_fields),
  OBJECT ("services", services_fields),
  OBJECT ("terminal_server", terminal_server_fields),
  OBJECT ("policy", policy_fields),
  OBJECT ("rdp_tcp", rdp_tcp_fields),
  INT ("listening_port"),
  ARRAY ("listening", &a_listener),
  ARRAY ("firewall_profiles", &a_firewall_profile),
  ARRAY ("firewall_rules", &a_firewall_rule),
  ARRAY ("network_profiles", &a_network_profile),
  OBJECT ("certificate", certificate_fields),
  OBJECT ("events", events_fields),
  ARRAY ("sessions", &a_session),
  OBJECT ("licensing", licensing_fields),
  OBJECT ("credssp", credssp_fields),
  ARRAY ("errors", &an_error),
  END
};

/* The kind of value a field should hold, for messages */
static const char *
describe_expected (FieldType type)
{
  switch (type)
    {
    case FIELD_STRING: return _("text");
    case FIELD_INT:
    case FIELD_DWORD:  return _("a whole number");
    case FIELD_BOOL:   return _("true or false");
    case FIELD_TIME:   return _("a date and time");
    case FIELD_OBJECT: return _("an object");
    case FIELD_ARRAY:
    default:           return _("a list");
    }
}

static const char *
describe_node (JsonNode *node)
{
  if (JSON_NODE_HOLDS_NULL (node))
    return _("null");
  if (JSON_NODE_HOLDS_OBJECT (node))
    return _("an object");
  if (JSON_NODE_HOLDS_ARRAY (node))
    return _("a list");
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:  return _("text");
    case G_TYPE_BOOLEAN: return _("true or false");
    case G_TYPE_DOUBLE:  return _("a fractional number");
    default:             return _("a number");
    }
}

static void
fail_field (GError     **error,
            const char  *path,
            FieldType    type,
            JsonNode    *node)
{
  g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_INVALID_FIELD,
               _("The field “%s” should be %s, but it is %s."),
               path, describe_expected (type), describe_node (node));
}

/* Text from another computer, made safe to show: valid UTF-8, no control or
 * direction-changing characters (they could hide or reorder what is shown),
 * and not endless. */
static char *
clean_string (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autoptr(GString) clean = g_string_new (NULL);
  guint n_chars = 0;

  for (const char *p = valid; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (++n_chars > MAX_STRING_CHARS)
        {
          g_string_append (clean, "…");
          break;
        }
      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT ||
          g_unichar_type (c) == G_UNICODE_LINE_SEPARATOR || g_unichar_type (c) == G_UNICODE_PARAGRAPH_SEPARATOR)
        g_string_append_unichar (clean, 0xFFFD);
      else
        g_string_append_unichar (clean, c);
    }
  return g_string_free (g_steal_pointer (&clean), FALSE);
}

static char *
canonicalize (const char *text,
              Canon       canon)
{
  g_autoptr(GString) result = NULL;

  switch (canon)
    {
    case CANON_LOWER:
      {
        /* "Auto" is how WMI spells what Get-Service calls "Automatic" */
        g_autofree char *lower = g_ascii_strdown (text, -1);
        return g_str_equal (lower, "auto") ? g_strdup ("automatic") : g_steal_pointer (&lower);
      }
    case CANON_HEX:
      result = g_string_new (NULL);
      for (const char *p = text; *p; p++)
        if (g_ascii_isxdigit (*p))
          g_string_append_c (result, g_ascii_toupper (*p));
        else if (*p != ' ' && *p != ':' && *p != '-')
          return g_strdup (text);   /* not a thumbprint after all: keep it as it is */
      return g_string_free (g_steal_pointer (&result), FALSE);
    case CANON_NONE:
    default:
      return g_strdup (text);
    }
}

/* ISO 8601, or the "/Date(milliseconds)/" that Windows PowerShell's
 * ConvertTo-Json writes for a DateTime it was handed as such. */
static GDateTime *
parse_time (const char *text)
{
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  gint64 ms;
  char *end;

  if (g_str_has_prefix (text, "/Date(") && g_str_has_suffix (text, ")/"))
    {
      ms = g_ascii_strtoll (text + 6, &end, 10);
      if (end == text + 6 || (*end != ')' && *end != '+' && *end != '-'))
        return NULL;
      return g_date_time_new_from_unix_utc (ms / 1000);
    }
  return g_date_time_new_from_iso8601 (text, utc);
}

static JsonNode *
string_node (char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, text);
  g_free (text);
  return node;
}

/* 3.0 is a whole number; 1e300 is too, but no field can hold it */
static gboolean
is_whole_number (double value)
{
  return value > -9007199254740992.0 && value < 9007199254740992.0 && value == (double) (gint64) value;
}

static JsonNode *normalize_value (const Field  *field,
                                  JsonNode     *node,
                                  GString      *path,
                                  GError      **error);

static JsonObject *
normalize_object (const Field  *members,
                  JsonObject   *object,
                  GString      *path,
                  GError      **error)
{
  g_autoptr(JsonObject) normal = json_object_new ();
  gsize path_length = path->len;

  for (const Field *field = members; field->name != NULL; field++)
    {
      JsonNode *node = json_object_get_member (object, field->name);
      JsonNode *value;

      if (path_length > 0)
        g_string_append_c (path, '.');
      g_string_append (path, field->name);

      if (node == NULL || JSON_NODE_HOLDS_NULL (node))
        {
          if (field->required)
            {
              g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_INVALID_FIELD,
                           _("The field “%s” is missing."), path->str);
              return NULL;
            }
          /* every known field is present in the normal form: null is "not known" */
          json_object_set_null_member (normal, field->name);
        }
      else
        {
          value = normalize_value (field, node, path, error);
          if (value == NULL)
            return NULL;
          json_object_set_member (normal, field->name, value);
        }
      g_string_truncate (path, path_length);
    }
  /* unknown members are left out: a newer script may add fields */
  return g_steal_pointer (&normal);
}

static JsonNode *
normalize_value (const Field  *field,
                 JsonNode     *node,
                 GString      *path,
                 GError      **error)
{
  JsonNode *result;

  switch (field->type)
    {
    case FIELD_STRING:
    case FIELD_TIME:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          fail_field (error, path->str, field->type, node);
          return NULL;
        }
      if (field->type == FIELD_TIME)
        {
          g_autoptr(GDateTime) time = parse_time (json_node_get_string (node));
          g_autoptr(GDateTime) utc = NULL;

          /* a time near the end of the range can fall outside it in UTC */
          utc = time != NULL ? g_date_time_to_utc (time) : NULL;
          if (utc == NULL)
            {
              g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_INVALID_FIELD,
                           _("The field “%s” should be a date and time, but “%s” is none."),
                           path->str, json_node_get_string (node));
              return NULL;
            }
          result = string_node (g_date_time_format (utc, "%Y-%m-%dT%H:%M:%SZ"));
        }
      else
        {
          g_autofree char *clean = clean_string (json_node_get_string (node));

          result = string_node (canonicalize (clean, field->canon));
        }
      return result;

    case FIELD_INT:
    case FIELD_DWORD:
      {
        gint64 value;

        if (!JSON_NODE_HOLDS_VALUE (node))
          {
            fail_field (error, path->str, field->type, node);
            return NULL;
          }
        if (json_node_get_value_type (node) == G_TYPE_INT64)
          value = json_node_get_int (node);
        else if (json_node_get_value_type (node) == G_TYPE_DOUBLE &&
                 is_whole_number (json_node_get_double (node)))
          value = (gint64) json_node_get_double (node);
        else
          {
            fail_field (error, path->str, field->type, node);
            return NULL;
          }

        if (field->type == FIELD_DWORD)
          {
            if (value < G_MININT32 || value > G_MAXUINT32)
              {
                g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_INVALID_FIELD,
                             _("The field “%s” holds %lld, which no registry number (DWORD) can hold."),
                             path->str, (long long) value);
                return NULL;
              }
            if (value < 0)
              value += G_GINT64_CONSTANT (4294967296);
          }
        result = json_node_new (JSON_NODE_VALUE);
        json_node_set_int (result, value);
        return result;
      }

    case FIELD_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        {
          fail_field (error, path->str, field->type, node);
          return NULL;
        }
      return json_node_copy (node);

    case FIELD_OBJECT:
      {
        JsonObject *object;

        if (!JSON_NODE_HOLDS_OBJECT (node))
          {
            fail_field (error, path->str, field->type, node);
            return NULL;
          }
        object = normalize_object (field->children, json_node_get_object (node), path, error);
        if (object == NULL)
          return NULL;
        result = json_node_new (JSON_NODE_OBJECT);
        json_node_take_object (result, object);
        return result;
      }

    case FIELD_ARRAY:
      {
        JsonArray *array;
        g_autoptr(JsonArray) normal = json_array_new ();
        gsize path_length = path->len;

        if (!JSON_NODE_HOLDS_ARRAY (node))
          {
            fail_field (error, path->str, field->type, node);
            return NULL;
          }
        array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          {
            JsonNode *element = json_array_get_element (array, i);
            JsonNode *value;

            /* PowerShell can leave a null in a list; it says nothing */
            if (JSON_NODE_HOLDS_NULL (element))
              continue;
            g_string_append_printf (path, "[%u]", i);
            value = normalize_value (field->children, element, path, error);
            if (value == NULL)
              return NULL;
            json_array_add_element (normal, value);
            g_string_truncate (path, path_length);
          }
        result = json_node_new (JSON_NODE_ARRAY);
        json_node_take_array (result, g_steal_pointer (&normal));
        return result;
      }

    default:
      g_assert_not_reached ();
    }
}

/* qwinsta's short state names (English Windows); other languages print
 * translated names, which stay "unknown" here but are kept as state_text. */
static const char *
session_state (const char *text)
{
  static const struct { const char *qwinsta, *state; } states[] = {
    { "active", "active" }, { "conn", "connected" }, { "connq", "connect-query" },
    { "shadow", "shadow" }, { "disc", "disconnected" }, { "idle", "idle" },
    { "listen", "listen" }, { "reset", "reset" }, { "down", "down" }, { "init", "init" },
    /* already normal (a document normalised before) */
    { "connected", "connected" }, { "connect-query", "connect-query" }, { "disconnected", "disconnected" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_ascii_strcasecmp (text, states[i].qwinsta) == 0)
      return states[i].state;
  return "unknown";
}

static void
normalize_sessions (JsonObject *document)
{
  JsonNode *node = json_object_get_member (document, "sessions");
  JsonArray *sessions;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return;
  sessions = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (sessions); i++)
    {
      JsonObject *session = json_array_get_object_element (sessions, i);
      g_autofree char *text = g_strdup (json_object_get_string_member (session, "state"));

      json_object_set_string_member (session, "state", session_state (text));
      json_object_set_string_member (session, "state_text", text);
    }
}

static gboolean
check_computer_name (const char  *name,
                     GError     **error)
{
  /* U+FFFD: clean_string() replaced a control character */
  if (*name == '\0' || strlen (name) > 255 || strstr (name, "\xEF\xBF\xBD") != NULL)
    goto invalid;
  for (const char *p = name; *p; p++)
    if (g_ascii_isspace (*p))
      goto invalid;
  return TRUE;

invalid:
  g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_INVALID_FIELD,
               _("The field “computer_name” does not hold a computer name."));
  return FALSE;
}

/* Where the JSON value that starts at @start ends. Only strings and nesting
 * are followed; json-glib checks everything else on the part found. */
static gsize
find_value_end (const char *text,
                gsize       length,
                gsize       start,
                gboolean   *closed)
{
  guint depth = 0;
  gboolean in_string = FALSE;

  for (gsize i = start; i < length; i++)
    {
      char c = text[i];

      if (in_string)
        {
          if (c == '\\')
            i++;
          else if (c == '"')
            in_string = FALSE;
          continue;
        }
      if (c == '"')
        in_string = TRUE;
      else if (c == '{' || c == '[')
        depth++;
      else if ((c == '}' || c == ']') && depth > 0 && --depth == 0)
        {
          *closed = TRUE;
          return i + 1;
        }
    }
  *closed = FALSE;
  return length;
}

static guint
line_of (const char *text,
         gsize       offset)
{
  guint line = 1;

  for (gsize i = 0; i < offset; i++)
    if (text[i] == '\n')
      line++;
  return line;
}

static gboolean
is_json_space (char c)
{
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* Gives UTF-8 text: UTF-16 in either byte order (with or without a byte
 * order mark: Windows PowerShell's ">" writes UTF-16LE with one) is
 * converted, a UTF-8 byte order mark is dropped. */
static char *
decode_text (const guint8  *data,
             gsize          length,
             gsize         *text_length,
             GError       **error)
{
  const char *charset = NULL;
  g_autoptr(GError) local_error = NULL;
  char *text;
  gsize skip = 0;

  if (length >= 2 && data[0] == 0xFF && data[1] == 0xFE)
    charset = "UTF-16LE", skip = 2;
  else if (length >= 2 && data[0] == 0xFE && data[1] == 0xFF)
    charset = "UTF-16BE", skip = 2;
  else if (length >= 4 && data[0] != 0 && data[1] == 0 && data[2] != 0 && data[3] == 0)
    charset = "UTF-16LE";
  else if (length >= 4 && data[0] == 0 && data[1] != 0 && data[2] == 0 && data[3] != 0)
    charset = "UTF-16BE";
  else if (length >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF)
    skip = 3;

  if (charset == NULL)
    {
      if (length - skip > RD_SERVER_EVIDENCE_MAX_SIZE)
        goto too_large;
      /* a copy of every byte, NULs too: check_text() must see them */
      text = g_malloc (length - skip + 1);
      memcpy (text, data + skip, length - skip);
      text[length - skip] = '\0';
      *text_length = length - skip;
      return text;
    }

  if (length - skip > 2 * RD_SERVER_EVIDENCE_MAX_SIZE)
    goto too_large;
  if ((length - skip) % 2 != 0)
    {
      g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_NOT_TEXT,
                   _("The evidence is UTF-16 text with a byte missing at the end: the file was cut off."));
      return NULL;
    }
  text = g_convert ((const char *) data + skip, length - skip, "UTF-8", charset,
                    NULL, text_length, &local_error);
  if (text == NULL)
    {
      g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_NOT_TEXT,
                   _("The evidence looks like UTF-16 text but cannot be read as such: %s"),
                   local_error->message);
      return NULL;
    }
  if (*text_length > RD_SERVER_EVIDENCE_MAX_SIZE)
    {
      g_free (text);
      goto too_large;
    }
  return text;

too_large:
  {
    g_autofree char *size = g_format_size (length);
    g_autofree char *limit = g_format_size (RD_SERVER_EVIDENCE_MAX_SIZE);

    g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_TOO_LARGE,
                 _("The file is %s, far more than the evidence script writes (at most %s): it is not the script’s output."),
                 size, limit);
  }
  return NULL;
}

static JsonObject *
parse_document (const char  *text,
                gsize        length,
                GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  gsize start = 0, end;
  gboolean closed;
  JsonNode *root;

  while (start < length && is_json_space (text[start]))
    start++;
  if (start == length)
    {
      g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_EMPTY,
                   _("The evidence is empty."));
      return NULL;
    }
  if (text[start] != '{')
    {
      const char *brace = memchr (text + start, '{', length - start);

      if (brace != NULL && text[start] != '[' && text[start] != '"')
        g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_EXTRA_TEXT,
                     _("There is other text before the JSON document (it starts on line %u): copy only what the script printed."),
                     line_of (text, brace - text));
      else
        g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_NOT_JSON,
                     _("This is not the evidence script’s output: it does not begin with a JSON object (“{”)."));
      return NULL;
    }

  end = find_value_end (text, length, start, &closed);
  if (!closed)
    {
      g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_NOT_JSON,
                   _("The evidence ends in the middle of the JSON document: the file was cut off, or only part of it was copied."));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, text + start, end - start, &local_error))
    {
      /* json-glib quotes the offending text, and may cut it mid-character */
      g_autofree char *reason = g_utf8_make_valid (local_error->message, -1);

      g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_NOT_JSON,
                   _("The evidence is not a complete JSON document: %s"), reason);
      return NULL;
    }
  for (gsize i = end; i < length; i++)
    if (!is_json_space (text[i]))
      {
        g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_EXTRA_TEXT,
                     _("There is more text after the JSON document, on line %u: copy only what the script printed."),
                     line_of (text, i));
        return NULL;
      }

  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_NOT_JSON,
                   _("This is not the evidence script’s output: it is not a JSON object."));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

static gboolean
check_schema (JsonObject  *document,
              GError     **error)
{
  JsonNode *node = json_object_get_member (document, "schema");
  const char *schema;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_WRONG_SCHEMA,
                   _("This JSON document is not RDP Doctor server evidence: it has no “schema” field."));
      return FALSE;
    }
  schema = json_node_get_string (node);
  if (g_str_equal (schema, RD_SERVER_EVIDENCE_SCHEMA))
    return TRUE;

  if (g_str_has_prefix (schema, SCHEMA_PREFIX))
    g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_WRONG_SCHEMA,
                 _("This evidence was written by another version of the script (schema “%s”); this RDP Doctor reads “%s”. Use the script that comes with this version."),
                 schema, RD_SERVER_EVIDENCE_SCHEMA);
  else
    g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_WRONG_SCHEMA,
                 _("This JSON document is not RDP Doctor server evidence (its schema is “%s”)."),
                 schema);
  return FALSE;
}

/* Only text and the usual white space: a control byte means the file is not
 * text, or not the whole of it. */
static gboolean
check_text (const char  *text,
            gsize        length,
            GError     **error)
{
  const char *invalid;

  for (gsize i = 0; i < length; i++)
    {
      guchar c = (guchar) text[i];

      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F)
        {
          g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_NOT_TEXT,
                       _("The evidence is not text: it holds binary data (byte 0x%02X at position %lu)."),
                       c, (unsigned long) i);
          return FALSE;
        }
    }
  if (!g_utf8_validate_len (text, length, &invalid))
    {
      g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_NOT_TEXT,
                   _("The evidence is not UTF-8 or UTF-16 text (an invalid byte at position %lu)."),
                   (unsigned long) (invalid - text));
      return FALSE;
    }
  return TRUE;
}

static char *
describe_result (JsonObject *normal)
{
  const char *name = json_object_get_string_member (normal, "computer_name");
  g_autoptr(GDateTime) when = parse_time (json_object_get_string_member (normal, "collected_at"));
  g_autofree char *at = when != NULL ? g_date_time_format (when, "%Y-%m-%d %H:%M UTC") : g_strdup ("?");
  JsonNode *errors = json_object_get_member (normal, "errors");
  guint n_errors = JSON_NODE_HOLDS_ARRAY (errors) ? json_array_get_length (json_node_get_array (errors)) : 0;
  g_autofree char *summary = g_strdup_printf (_("Evidence from %s collected %s"), name, at);

  if (n_errors == 0)
    return g_steal_pointer (&summary);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s (%u part could not be read)",
                                       "%s (%u parts could not be read)", n_errors),
                          summary, n_errors);
}

/**
 * rd_server_evidence_import:
 * @data: what the evidence script printed, as saved or pasted
 * @length: the length of @data in bytes, or -1 if it ends with a NUL
 *
 * Reads a server evidence document: UTF-8 or UTF-16 (as PowerShell's `>`
 * writes it), one JSON object of schema %RD_SERVER_EVIDENCE_SCHEMA, nothing
 * around it but white space.
 *
 * Returns: (transfer full): a result with check id "server", status pass and
 *   the checked, normalised document as evidence; or %NULL with @error set
 *   (%RD_SERVER_EVIDENCE_ERROR) to a message that names the problem
 */
RdCheckResult *
rd_server_evidence_import (const char  *data,
                           gssize       length,
                           GError     **error)
{
  g_autofree char *text = NULL;
  g_autoptr(JsonObject) document = NULL;
  g_autoptr(JsonObject) normal = NULL;
  g_autoptr(GString) path = g_string_new (NULL);
  g_autofree char *summary = NULL;
  gsize text_length;

  g_return_val_if_fail (data != NULL || length == 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (length < 0)
    length = strlen (data);
  if (length == 0)
    {
      g_set_error (error, RD_SERVER_EVIDENCE_ERROR, RD_SERVER_EVIDENCE_ERROR_EMPTY,
                   _("The evidence is empty."));
      return NULL;
    }

  text = decode_text ((const guint8 *) data, length, &text_length, error);
  if (text == NULL ||
      !check_text (text, text_length, error) ||
      (document = parse_document (text, text_length, error)) == NULL ||
      !check_schema (document, error) ||
      (normal = normalize_object (document_fields, document, path, error)) == NULL)
    return NULL;

  if (!check_computer_name (json_object_get_string_member (normal, "computer_name"), error))
    return NULL;
  normalize_sessions (normal);

  summary = describe_result (normal);
  return rd_check_result_new_take (RD_SERVER_EVIDENCE_CHECK_ID, RD_CHECK_STATUS_PASS,
                                   g_steal_pointer (&summary), g_steal_pointer (&normal));
}

/**
 * rd_server_evidence_import_bytes:
 *
 * rd_server_evidence_import() for a #GBytes.
 *
 * Returns: (transfer full): the result, or %NULL with @error set
 */
RdCheckResult *
rd_server_evidence_import_bytes (GBytes  *bytes,
                                 GError **error)
{
  gsize length;
  const char *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &length);
  return rd_server_evidence_import (data != NULL ? data : "", length, error);
}

/**
 * rd_server_evidence_get_script:
 *
 * The read-only PowerShell script that collects the evidence on the host,
 * to save or print for its administrator. It is plain ASCII.
 *
 * Returns: (transfer full): the script's text
 */
GBytes *
rd_server_evidence_get_script (void)
{
  g_autoptr(GError) error = NULL;
  GBytes *script = g_resources_lookup_data (SCRIPT_RESOURCE, 0, &error);

  /* the script is part of the program: its absence is a build error */
  if (script == NULL)
    g_error ("the server evidence script is missing: %s", error->message);
  return script;
}
