/* fuzz-replay.c: runs a fuzz target as a plain program (no libFuzzer, any
 * compiler) over files and directories of saved inputs, one TAP line each, so
 * that every build (gcc, ASan, valgrind) replays the seeds and the regression
 * inputs.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rd-fuzz.h"

static guint n_run;

static void
replay_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  g_autofree guint8 *exact = NULL;
  gsize length;

  if (!g_file_get_contents (path, &contents, &length, &error))
    {
      printf ("not ok %u - %s: %s\n", ++n_run, path, error->message);
      return;
    }

  /* Exactly @length bytes, without the NUL g_file_get_contents() adds, so that
   * a read one byte too far is caught by ASan and valgrind. */
  exact = length > 0 ? g_memdup2 (contents, length) : NULL;
  printf ("# %s\n", path);
  fflush (stdout);
  LLVMFuzzerTestOneInput (exact, length);
  printf ("ok %u - %s\n", ++n_run, path);
  fflush (stdout);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
replay_path (const char *path)
{
  g_autoptr(GDir) dir = NULL;
  g_autoptr(GPtrArray) names = NULL;
  const char *name;

  /* no regression inputs for this target yet */
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return;
  if (!g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      replay_file (path);
      return;
    }

  dir = g_dir_open (path, 0, NULL);
  if (dir == NULL)
    return;
  names = g_ptr_array_new_with_free_func (g_free);
  while ((name = g_dir_read_name (dir)) != NULL)
    if (name[0] != '.')
      g_ptr_array_add (names, g_build_filename (path, name, NULL));
  g_ptr_array_sort (names, compare_strings);
  for (guint i = 0; i < names->len; i++)
    replay_file (g_ptr_array_index (names, i));
}

int
main (int    argc,
      char **argv)
{
  LLVMFuzzerInitialize (&argc, &argv);

  for (int i = 1; i < argc; i++)
    replay_path (argv[i]);

  if (n_run == 0)
    {
      printf ("1..0 # SKIP no inputs\n");
      return 0;
    }
  printf ("1..%u\n", n_run);
  return 0;
}
