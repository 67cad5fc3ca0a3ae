/* rd-target.c: what the user typed, validated
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-target"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>
#include <gio/gio.h>

#include "rd-target.h"

/* RFC 1035 §2.3.4: 255 octets on the wire are 253 characters of text. */
#define MAX_NAME_LENGTH  253
#define MAX_LABEL_LENGTH 63

/* Characters a POSIX or PowerShell command line gives a meaning to. None can be
 * part of a host name, so naming them tells the user exactly what went wrong. */
#define SHELL_CHARACTERS ";|&$`<>()'\"\\*?!{}~#%^=,@+"

struct _RdTarget
{
  grefcount  ref_count;
  char      *host;          /* ASCII: an IP literal without brackets, or a punycoded name */
  char      *display_host;  /* for people: the Unicode form of the name */
  guint16    port;
  gboolean   is_ip_literal;
};

G_DEFINE_BOXED_TYPE (RdTarget, rd_target, rd_target_ref, rd_target_unref)
G_DEFINE_QUARK (rd-target-error-quark, rd_target_error)

static RdTarget *
target_new (const char *host,
            const char *display_host,
            guint16     port,
            gboolean    is_ip_literal)
{
  RdTarget *self = g_new0 (RdTarget, 1);

  g_ref_count_init (&self->ref_count);
  self->host = g_strdup (host);
  self->display_host = g_strdup (display_host);
  self->port = port;
  self->is_ip_literal = is_ip_literal;
  return self;
}

/* A character as the user would recognise it in a message: quoted, or named
 * when it cannot be seen. */
static char *
describe_character (gunichar c)
{
  char utf8[8] = { 0 };

  if (c == ' ')
    return g_strdup (_("a space"));
  if (c == '\t')
    return g_strdup (_("a tab"));
  if (c == '\n' || c == '\r')
    return g_strdup (_("a line break"));
  if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
    return g_strdup_printf (_("the invisible character U+%04X"), c);
  if (g_unichar_isspace (c))
    return g_strdup_printf (_("the space character U+%04X"), c);

  g_unichar_to_utf8 (c, utf8);
  return g_strdup_printf ("“%s”", utf8);
}

/* Refuses what can never be part of a target, before any structure is looked at,
 * so that the message names the real problem ("a space") rather than a symptom
 * ("not a valid port"). */
static gboolean
check_characters (const char  *text,
                  GError     **error)
{
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_set_error_literal (error, RD_TARGET_ERROR, RD_TARGET_ERROR_INVALID_TEXT,
                           _("The text is not valid UTF-8. Type the computer’s name or address again."));
      return FALSE;
    }

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      g_autofree char *what = NULL;

      if (g_unichar_isspace (c))
        {
          what = describe_character (c);
          g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_WHITESPACE,
                       _("The computer name contains %s. Names and addresses cannot contain spaces."),
                       what);
          return FALSE;
        }
      if (g_unichar_iscntrl (c) || g_unichar_type (c) == G_UNICODE_FORMAT)
        {
          what = describe_character (c);
          g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_CONTROL_CHARACTER,
                       _("The computer name contains %s. Type it again by hand rather than pasting it."),
                       what);
          return FALSE;
        }
      if (c < 0x80 && strchr (SHELL_CHARACTERS, (char) c) != NULL)
        {
          what = describe_character (c);
          g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_SHELL_CHARACTER,
                       _("The computer name contains %s, which cannot be part of a name or address."),
                       what);
          return FALSE;
        }
    }

  return TRUE;
}

gboolean
rd_target_parse_port (const char  *text,
                      guint16     *port,
                      GError     **error)
{
  guint64 value = 0;

  g_return_val_if_fail (port != NULL, FALSE);

  if (text == NULL || *text == '\0')
    {
      g_set_error_literal (error, RD_TARGET_ERROR, RD_TARGET_ERROR_PORT_MISSING,
                           _("The port is missing after the colon. Remote Desktop normally uses port 3389."));
      return FALSE;
    }

  for (const char *p = text; *p; p++)
    {
      if (!g_ascii_isdigit (*p))
        {
          /* A separate port field reaches here unchecked: the message must
           * still be text the wizard can show. */
          g_autofree char *shown = g_utf8_make_valid (text, -1);

          g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_PORT_NOT_A_NUMBER,
                       _("The port “%s” is not a number. Use a number from 1 to 65535, such as 3389."),
                       shown);
          return FALSE;
        }
      /* Stop growing once out of range so that long digit strings cannot overflow. */
      if (value <= G_MAXUINT16)
        value = value * 10 + (guint64) (*p - '0');
    }

  if (value == 0 || value > G_MAXUINT16)
    {
      g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_PORT_OUT_OF_RANGE,
                   _("The port %s is out of range. Use a number from 1 to 65535, such as 3389."),
                   text);
      return FALSE;
    }

  *port = (guint16) value;
  return TRUE;
}

static gboolean
is_dotted_numeric (const char *name)
{
  for (const char *p = name; *p; p++)
    if (!g_ascii_isdigit (*p) && *p != '.')
      return FALSE;
  return TRUE;
}

/* RFC 1123 host names, plus "_" because Windows (NetBIOS-derived) computer
 * names in real domains carry it and Windows resolves them. */
static gboolean
check_dns_name (const char  *ascii,
                const char  *shown,
                GError     **error)
{
  g_auto(GStrv) labels = NULL;
  gsize length = strlen (ascii);

  if (length > 0 && ascii[length - 1] == '.')
    length--;   /* a fully qualified name's final dot is not part of its length */

  if (length > MAX_NAME_LENGTH)
    {
      g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_NAME_TOO_LONG,
                   _("The name is %u characters long; a computer name can have at most %u."),
                   (guint) length, MAX_NAME_LENGTH);
      return FALSE;
    }

  labels = g_strsplit (ascii, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      const char *label = labels[i];
      gsize label_length = strlen (label);

      /* only the very last label may be empty: the final dot of an FQDN */
      if (label_length == 0 && !(labels[i + 1] == NULL && i > 0))
        {
          g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_LABEL_INVALID,
                       _("“%s” has an empty part between dots."), shown);
          return FALSE;
        }
      if (label_length > MAX_LABEL_LENGTH)
        {
          g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_LABEL_TOO_LONG,
                       _("The part “%.20s…” of the name is %u characters long; each part between dots can have at most %u."),
                       label, (guint) label_length, MAX_LABEL_LENGTH);
          return FALSE;
        }
      if (label_length > 0 && (label[0] == '-' || label[label_length - 1] == '-'))
        {
          g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_LABEL_INVALID,
                       _("The part “%s” of the name starts or ends with a hyphen, which names cannot do."),
                       label);
          return FALSE;
        }
      for (const char *p = label; *p; p++)
        {
          if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
            {
              g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_INVALID_CHARACTER,
                           _("The name contains “%c”, which cannot be part of a computer name."),
                           *p);
              return FALSE;
            }
        }
    }

  return TRUE;
}

/* Validates @host (no port, no brackets) and makes the target. */
static RdTarget *
target_from_host (const char  *host,
                  guint16      port,
                  gboolean     bracketed,
                  GError     **error)
{
  g_autoptr(GInetAddress) address = NULL;
  g_autofree char *ascii = NULL;
  g_autofree char *unicode = NULL;

  if (*host == '\0')
    {
      g_set_error_literal (error, RD_TARGET_ERROR, RD_TARGET_ERROR_EMPTY,
                           _("Enter the name or address of the computer you want to connect to."));
      return NULL;
    }

  address = g_inet_address_new_from_string (host);
  if (address != NULL)
    {
      if (g_inet_address_get_family (address) == G_SOCKET_FAMILY_IPV4 && bracketed)
        {
          g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_BRACKETS,
                       _("Square brackets are only for IPv6 addresses; write %s without them."), host);
          return NULL;
        }
      {
        g_autofree char *canonical = g_inet_address_to_string (address);
        return target_new (canonical, canonical, port, TRUE);
      }
    }

  if (bracketed)
    {
      g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_INVALID_ADDRESS,
                   _("“%s” between square brackets is not a valid IPv6 address."), host);
      return NULL;
    }
  if (strchr (host, ':') != NULL)
    {
      g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_INVALID_ADDRESS,
                   _("“%s” is not a valid IPv6 address."), host);
      return NULL;
    }
  if (is_dotted_numeric (host))
    {
      g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_INVALID_ADDRESS,
                   _("“%s” is not a valid IPv4 address: it needs four numbers from 0 to 255, such as 192.0.2.10."),
                   host);
      return NULL;
    }

  /* IDN: international names travel as punycode (RFC 3492). */
  ascii = g_hostname_to_ascii (host);
  if (ascii == NULL)
    {
      g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_INVALID_CHARACTER,
                   _("“%s” cannot be turned into a valid computer name."), host);
      return NULL;
    }
  /* Normalisation can make an address or a number of what was typed
   * (full-width "１９２.０.２.１" is 192.0.2.1): judge what will be looked up,
   * once (it is ASCII now). */
  if (!g_str_is_ascii (host) && strcmp (ascii, host) != 0)
    return target_from_host (ascii, port, FALSE, error);
  if (!check_dns_name (ascii, host, error))
    return NULL;

  /* GLib's punycode decoder can return code points that are not Unicode
   * ("xn--xn-b99991x"): then show the name as it is. */
  unicode = g_hostname_to_unicode (ascii);
  if (unicode != NULL && !g_utf8_validate (unicode, -1, NULL))
    g_clear_pointer (&unicode, g_free);
  return target_new (ascii, unicode != NULL ? unicode : ascii, port, FALSE);
}

/**
 * rd_target_parse:
 * @text: what the user typed: `host`, `host:port`, `[v6]:port`, a bare IPv6 address
 * @default_port: the port when @text names none
 * @error: a #RD_TARGET_ERROR whose message says, in the user's language, what is wrong
 *
 * White space around @text is ignored, as a text field would; anything inside it
 * that cannot be part of a name is refused with a message naming it.
 *
 * Returns: (transfer full): the validated target, or %NULL
 */
RdTarget *
rd_target_parse (const char  *text,
                 guint16      default_port,
                 GError     **error)
{
  g_autofree char *trimmed = NULL;
  const char *colon;
  guint16 port = default_port;

  g_return_val_if_fail (default_port != 0, NULL);

  trimmed = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*trimmed == '\0')
    {
      g_set_error_literal (error, RD_TARGET_ERROR, RD_TARGET_ERROR_EMPTY,
                           _("Enter the name or address of the computer you want to connect to."));
      return NULL;
    }
  if (!check_characters (trimmed, error))
    return NULL;

  if (trimmed[0] == '[')
    {
      const char *close = strchr (trimmed, ']');
      g_autofree char *inside = NULL;

      if (close == NULL)
        {
          g_set_error_literal (error, RD_TARGET_ERROR, RD_TARGET_ERROR_BRACKETS,
                               _("The closing square bracket “]” is missing after the IPv6 address."));
          return NULL;
        }
      if (close[1] != '\0' && close[1] != ':')
        {
          g_set_error_literal (error, RD_TARGET_ERROR, RD_TARGET_ERROR_BRACKETS,
                               _("Only “:” and a port may follow the closing square bracket."));
          return NULL;
        }
      if (close[1] == ':' && !rd_target_parse_port (close + 2, &port, error))
        return NULL;

      inside = g_strndup (trimmed + 1, close - trimmed - 1);
      return target_from_host (inside, port, TRUE, error);
    }

  if (strchr (trimmed, '[') != NULL || strchr (trimmed, ']') != NULL)
    {
      g_set_error_literal (error, RD_TARGET_ERROR, RD_TARGET_ERROR_BRACKETS,
                           _("Square brackets go around a whole IPv6 address, as in [2001:db8::1]:3389."));
      return NULL;
    }

  colon = strchr (trimmed, ':');
  if (colon != NULL && strchr (colon + 1, ':') == NULL)
    {
      g_autofree char *host = g_strndup (trimmed, colon - trimmed);

      if (!rd_target_parse_port (colon + 1, &port, error))
        return NULL;
      return target_from_host (host, port, FALSE, error);
    }

  /* No colon, or several: a name, an IPv4 address or a bare IPv6 address. */
  return target_from_host (trimmed, port, FALSE, error);
}

/**
 * rd_target_new_from_parts:
 * @host: the host field: a name or an address, brackets allowed around IPv6
 * @port: (nullable): the port field; %NULL or empty for @default_port
 * @default_port: the port when none is given
 * @error: a #RD_TARGET_ERROR
 *
 * For forms with separate host and port fields. A port typed into the host field
 * as well is accepted only when it agrees with the port field.
 *
 * Returns: (transfer full): the validated target, or %NULL
 */
RdTarget *
rd_target_new_from_parts (const char  *host,
                          const char  *port,
                          guint16      default_port,
                          GError     **error)
{
  g_autoptr(RdTarget) target = NULL;
  guint16 field_port = default_port;
  g_autofree char *port_text = g_strstrip (g_strdup (port != NULL ? port : ""));

  if (*port_text != '\0' && !rd_target_parse_port (port_text, &field_port, error))
    return NULL;

  target = rd_target_parse (host, field_port, error);
  if (target == NULL)
    return NULL;

  if (*port_text != '\0' && target->port != field_port)
    {
      g_set_error (error, RD_TARGET_ERROR, RD_TARGET_ERROR_PORT_OUT_OF_RANGE,
                   _("The host names port %u but the port field says %u. Keep only one."),
                   target->port, field_port);
      return NULL;
    }

  return g_steal_pointer (&target);
}

RdTarget *
rd_target_ref (RdTarget *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
rd_target_unref (RdTarget *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_free (self->host);
      g_free (self->display_host);
      g_free (self);
    }
}

const char *
rd_target_get_host (const RdTarget *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->host;
}

const char *
rd_target_get_display_host (const RdTarget *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->display_host;
}

guint16
rd_target_get_port (const RdTarget *self)
{
  g_return_val_if_fail (self != NULL, 0);
  return self->port;
}

gboolean
rd_target_is_ip_literal (const RdTarget *self)
{
  g_return_val_if_fail (self != NULL, FALSE);
  return self->is_ip_literal;
}

/**
 * rd_target_to_string:
 *
 * Returns: (transfer full): `host:port`, with brackets around an IPv6 address
 */
char *
rd_target_to_string (const RdTarget *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  if (strchr (self->host, ':') != NULL)
    return g_strdup_printf ("[%s]:%u", self->host, self->port);
  return g_strdup_printf ("%s:%u", self->host, self->port);
}
