/* rd-catalog.c: the causes and their documented fixes, kept as data
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rd-catalog"

#include "config.h"

#include <string.h>
#include <glib/gi18n-lib.h>

#include "rd-catalog.h"
#include "rd-target.h"

#define CATALOG_RESOURCE RESOURCE_BASE "/core/rd-causes.xml"

struct _RdCatalog
{
  GObject     parent_instance;
  GPtrArray  *causes;   /* RdCatalogCause */
};

G_DEFINE_FINAL_TYPE (RdCatalog, rd_catalog, G_TYPE_OBJECT)

static void
command_free (RdCatalogCommand *command)
{
  if (command == NULL)
    return;
  g_free (command->shell);
  g_free (command->text);
  g_free (command);
}

static void
action_free (RdCatalogAction *action)
{
  g_free (action->type);
  g_free (action->argument);
  g_free (action);
}

static void
step_free (RdCatalogStep *step)
{
  g_free (step->text);
  command_free (step->command);
  g_ptr_array_unref (step->actions);
  g_free (step);
}

static const char * const action_types[] = {
  "write-rdp", "launch-client", "flush-dns", "forget-certificate", "open-documentation", "evidence-script",
};

gboolean
rd_catalog_action_type_is_known (const char *type)
{
  for (guint i = 0; i < G_N_ELEMENTS (action_types); i++)
    if (g_strcmp0 (type, action_types[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
fix_free (RdCatalogFix *fix)
{
  g_free (fix->id);
  g_free (fix->title);
  g_free (fix->requires);
  g_ptr_array_unref (fix->steps);
  g_free (fix);
}

static void
cause_free (RdCatalogCause *cause)
{
  g_free (cause->id);
  g_free (cause->title);
  g_free (cause->explanation);
  g_strfreev (cause->recheck);
  g_ptr_array_unref (cause->fixes);
  g_free (cause);
}

/* xgettext's ITS extraction folds white space; do the same so that the text
 * looked up is the msgid that was extracted. */
static char *
normalize_and_translate (const char *text)
{
  g_autoptr(GString) folded = g_string_new (NULL);
  gboolean in_space = TRUE;

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isspace (*p))
        {
          in_space = TRUE;
          continue;
        }
      if (in_space && folded->len > 0)
        g_string_append_c (folded, ' ');
      in_space = FALSE;
      g_string_append_c (folded, *p);
    }
  return g_strdup (g_dgettext (GETTEXT_PACKAGE, folded->str));
}

typedef struct
{
  GPtrArray      *causes;
  RdCatalogCause *cause;
  RdCatalogFix   *fix;
  RdCatalogStep  *step;
  GString        *text;      /* character data of the element being read */
  char          **target;    /* where the text goes when the element ends */
  gboolean        translate;
} ParseState;

static const char *
attribute (const char **names,
           const char **values,
           const char  *wanted)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (strcmp (names[i], wanted) == 0)
      return values[i];
  return NULL;
}

static GStrv
split_words (const char *text)
{
  g_auto(GStrv) parts = g_strsplit_set (text != NULL ? text : "", " \t\n", -1);
  g_autoptr(GStrvBuilder) words = g_strv_builder_new ();

  for (guint i = 0; parts[i] != NULL; i++)
    if (*parts[i] != '\0')
      g_strv_builder_add (words, parts[i]);
  return g_strv_builder_end (words);
}

static void
start_element (GMarkupParseContext  *context,
               const char           *element,
               const char          **names,
               const char          **values,
               gpointer              user_data,
               GError              **error)
{
  ParseState *state = user_data;
  const char *id = attribute (names, values, "id");

  g_string_truncate (state->text, 0);
  state->target = NULL;
  state->translate = TRUE;

  if (strcmp (element, "causes") == 0)
    return;

  if (strcmp (element, "cause") == 0)
    {
      const char *recheck = attribute (names, values, "recheck");

      if (id == NULL)
        goto missing_id;
      state->cause = g_new0 (RdCatalogCause, 1);
      state->cause->id = g_strdup (id);
      state->cause->recheck = split_words (recheck);
      state->cause->fixes = g_ptr_array_new_with_free_func ((GDestroyNotify) fix_free);
      g_ptr_array_add (state->causes, state->cause);
    }
  else if (strcmp (element, "fix") == 0 && state->cause != NULL)
    {
      if (id == NULL)
        goto missing_id;
      state->fix = g_new0 (RdCatalogFix, 1);
      state->fix->id = g_strdup (id);
      state->fix->requires = g_strdup (attribute (names, values, "requires"));
      state->fix->steps = g_ptr_array_new_with_free_func ((GDestroyNotify) step_free);
      g_ptr_array_add (state->cause->fixes, state->fix);
    }
  else if (strcmp (element, "step") == 0 && state->fix != NULL)
    {
      state->step = g_new0 (RdCatalogStep, 1);
      state->step->actions = g_ptr_array_new_with_free_func ((GDestroyNotify) action_free);
      g_ptr_array_add (state->fix->steps, state->step);
    }
  else if (strcmp (element, "title") == 0 && state->fix != NULL)
    state->target = &state->fix->title;
  else if (strcmp (element, "title") == 0 && state->cause != NULL)
    state->target = &state->cause->title;
  else if (strcmp (element, "explanation") == 0 && state->cause != NULL)
    state->target = &state->cause->explanation;
  else if (strcmp (element, "text") == 0 && state->step != NULL)
    state->target = &state->step->text;
  else if (strcmp (element, "command") == 0 && state->step != NULL)
    {
      const char *shell = attribute (names, values, "shell");

      if (shell == NULL)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_MISSING_ATTRIBUTE,
                       "<command> needs a shell attribute");
          return;
        }
      /* the two rd_shell_quote() can quote a host for */
      if (strcmp (shell, "sh") != 0 && strcmp (shell, "powershell") != 0)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       "<command shell=\"%s\">: the shell is \"sh\" or \"powershell\"", shell);
          return;
        }
      if (state->step->command != NULL)
        {
          g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                               "a <step> has at most one <command>");
          return;
        }
      state->step->command = g_new0 (RdCatalogCommand, 1);
      state->step->command->shell = g_strdup (shell);
      state->target = &state->step->command->text;
      state->translate = FALSE;
    }
  else if (strcmp (element, "action") == 0 && state->step != NULL)
    {
      const char *type = attribute (names, values, "type");
      RdCatalogAction *action;

      if (!rd_catalog_action_type_is_known (type))
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       "unknown action type “%s”", type != NULL ? type : "");
          return;
        }
      action = g_new0 (RdCatalogAction, 1);
      action->type = g_strdup (type);
      action->argument = g_strdup (attribute (names, values, "argument"));
      g_ptr_array_add (state->step->actions, action);
    }
  else
    {
      g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_UNKNOWN_ELEMENT,
                   "unexpected <%s>", element);
    }
  return;

missing_id:
  g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_MISSING_ATTRIBUTE,
               "<%s> needs an id attribute", element);
}

static void
end_element (GMarkupParseContext  *context,
             const char           *element,
             gpointer              user_data,
             GError              **error)
{
  ParseState *state = user_data;

  if (state->target != NULL)
    {
      g_free (*state->target);
      *state->target = state->translate
                         ? normalize_and_translate (state->text->str)
                         : g_strstrip (g_strdup (state->text->str));
      state->target = NULL;
    }

  if (strcmp (element, "cause") == 0)
    state->cause = NULL;
  else if (strcmp (element, "fix") == 0)
    state->fix = NULL;
  else if (strcmp (element, "step") == 0)
    state->step = NULL;
}

static void
text (GMarkupParseContext  *context,
      const char           *text,
      gsize                 text_len,
      gpointer              user_data,
      GError              **error)
{
  ParseState *state = user_data;

  if (state->target != NULL)
    g_string_append_len (state->text, text, text_len);
}

static gboolean
validate (GPtrArray  *causes,
          GError    **error)
{
  for (guint i = 0; i < causes->len; i++)
    {
      RdCatalogCause *cause = g_ptr_array_index (causes, i);

      if (cause->title == NULL || cause->explanation == NULL || cause->fixes->len == 0)
        {
          g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                       "cause “%s” needs a title, an explanation and a fix", cause->id);
          return FALSE;
        }
      for (guint f = 0; f < cause->fixes->len; f++)
        {
          RdCatalogFix *fix = g_ptr_array_index (cause->fixes, f);

          if (fix->title == NULL || fix->steps->len == 0)
            {
              g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                           "fix “%s” needs a title and steps", fix->id);
              return FALSE;
            }
          for (guint s = 0; s < fix->steps->len; s++)
            if (((RdCatalogStep *) g_ptr_array_index (fix->steps, s))->text == NULL)
              {
                g_set_error (error, G_MARKUP_ERROR, G_MARKUP_ERROR_INVALID_CONTENT,
                             "a step of fix “%s” has no text", fix->id);
                return FALSE;
              }
        }
    }
  return TRUE;
}

static void
rd_catalog_finalize (GObject *object)
{
  RdCatalog *self = (RdCatalog *)object;

  g_clear_pointer (&self->causes, g_ptr_array_unref);

  G_OBJECT_CLASS (rd_catalog_parent_class)->finalize (object);
}

static void
rd_catalog_class_init (RdCatalogClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = rd_catalog_finalize;
}

static void
rd_catalog_init (RdCatalog *self)
{
}

/**
 * rd_catalog_new_from_data:
 * @xml: a catalog document (data/rd-causes.xml's format)
 *
 * Returns: (transfer full): the catalog, its texts translated, or %NULL
 */
RdCatalog *
rd_catalog_new_from_data (GBytes  *xml,
                          GError **error)
{
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  g_autoptr(GMarkupParseContext) context = NULL;
  g_autoptr(GPtrArray) causes = g_ptr_array_new_with_free_func ((GDestroyNotify) cause_free);
  g_autoptr(GString) buffer = g_string_new (NULL);
  ParseState state = { causes, NULL, NULL, NULL, buffer, NULL, TRUE };
  gsize length;
  const char *data = g_bytes_get_data (xml, &length);
  RdCatalog *self;

  /* GBytes hands out NULL for an empty document; GMarkup wants text. */
  if (data == NULL)
    data = "";
  /* GMarkup (GLib 2.74) goes on parsing after bad UTF-8 in a CDATA section
   * and then sets a second GError over the first: refuse it here. */
  if (!g_utf8_validate_len (data, length, NULL))
    {
      g_set_error_literal (error, G_MARKUP_ERROR, G_MARKUP_ERROR_BAD_UTF8,
                           "the catalog is not UTF-8 text");
      return NULL;
    }

  context = g_markup_parse_context_new (&parser, G_MARKUP_TREAT_CDATA_AS_TEXT, &state, NULL);
  if (!g_markup_parse_context_parse (context, data, length, error) ||
      !g_markup_parse_context_end_parse (context, error) ||
      !validate (causes, error))
    return NULL;

  self = g_object_new (RD_TYPE_CATALOG, NULL);
  self->causes = g_steal_pointer (&causes);
  return self;
}

/**
 * rd_catalog_get_default:
 *
 * Returns: (transfer none): the built-in catalog, loaded once
 */
RdCatalog *
rd_catalog_get_default (void)
{
  static RdCatalog *catalog;

  if (g_once_init_enter (&catalog))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) xml = g_resources_lookup_data (CATALOG_RESOURCE, 0, &error);
      RdCatalog *loaded = xml != NULL ? rd_catalog_new_from_data (xml, &error) : NULL;

      /* The catalog is part of the program: a broken one is a build error. */
      if (loaded == NULL)
        g_error ("the built-in fix catalog is broken: %s", error->message);
      g_once_init_leave (&catalog, loaded);
    }
  return catalog;
}

/**
 * rd_catalog_lookup:
 *
 * Returns: (nullable): the cause @cause_id
 */
const RdCatalogCause *
rd_catalog_lookup (RdCatalog  *self,
                   const char *cause_id)
{
  g_return_val_if_fail (RD_IS_CATALOG (self), NULL);

  for (guint i = 0; i < self->causes->len; i++)
    {
      RdCatalogCause *cause = g_ptr_array_index (self->causes, i);

      if (g_strcmp0 (cause->id, cause_id) == 0)
        return cause;
    }
  return NULL;
}

/**
 * rd_catalog_get_causes:
 *
 * Returns: (transfer none) (element-type RdCatalogCause): every cause
 */
GPtrArray *
rd_catalog_get_causes (RdCatalog *self)
{
  g_return_val_if_fail (RD_IS_CATALOG (self), NULL);
  return self->causes;
}

/**
 * rd_shell_quote:
 * @shell: "sh" (POSIX) or "powershell"
 *
 * Quotes @text as one inert word for @shell.
 *
 * Returns: (transfer full): the quoted text
 */
char *
rd_shell_quote (const char *shell,
                const char *text)
{
  g_autoptr(GString) quoted = g_string_new ("'");

  if (g_strcmp0 (shell, "sh") == 0)
    return g_shell_quote (text);
  g_return_val_if_fail (g_strcmp0 (shell, "powershell") == 0, g_shell_quote (text));

  /* PowerShell: inside single quotes only the quote itself is special, and
   * PowerShell also takes the typographic single quotes as quotes. */
  for (const char *p = text; *p; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c == '\'' || c == 0x2018 || c == 0x2019 || c == 0x201A || c == 0x201B)
        g_string_append_c (quoted, '\'');
      g_string_append_unichar (quoted, c);
    }
  g_string_append_c (quoted, '\'');
  return g_string_free (g_steal_pointer (&quoted), FALSE);
}

/**
 * rd_catalog_command_render:
 * @target: (nullable): fills `{host}` and `{port}`
 *
 * Returns: (transfer full): the command, its placeholders replaced by values
 *   quoted for the command's shell
 */
char *
rd_catalog_command_render (const RdCatalogCommand *command,
                           RdTarget               *target)
{
  g_autoptr(GString) rendered = g_string_new (command->text);
  g_autofree char *host = NULL;
  g_autofree char *port = NULL;

  if (target == NULL)
    return g_string_free (g_steal_pointer (&rendered), FALSE);

  host = rd_shell_quote (command->shell, rd_target_get_host (target));
  port = g_strdup_printf ("%u", rd_target_get_port (target));
  /* together they are one address, with an IPv6 host in brackets */
  if (command->text != NULL && strstr (command->text, "{host}:{port}") != NULL)
    {
      g_autofree char *address = rd_target_to_string (target);
      g_autofree char *quoted = rd_shell_quote (command->shell, address);

      g_string_replace (rendered, "{host}:{port}", quoted, 0);
    }
  g_string_replace (rendered, "{host}", host, 0);
  g_string_replace (rendered, "{port}", port, 0);
  return g_string_free (g_steal_pointer (&rendered), FALSE);
}
