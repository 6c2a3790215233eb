/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A fix plan read back by `migcheck fix --plan FILE` (main.c read_plan):
 * the document (mc_plan_doc_parse), then every node's entry
 * (mc_plan_node_parse, fixers/plan_file.c). A plan is hostile input: it
 * says what to write where. What is taken must hold what the reader
 * promises: absolute paths without "..", checksums, known lenses. */
#include <stdlib.h>

#include "fuzz.h"
#include "plan_file.h"
#include "util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
        _cleanup_json_ json_object *doc = NULL;
        _cleanup_free_ char *err = NULL;
        json_object *nodes;

        if (mc_plan_doc_parse((const char *) data, size, &doc, &err) < 0) {
                if (!err)
                        abort();  /* refused: says why */
                return 0;
        }
        nodes = mc_json_get(doc, "nodes");
        for (size_t i = 0; i < json_object_array_length(nodes); i++) {
                _cleanup_free_ char *e = NULL;
                struct mc_plan p = {};
                const char *name = NULL, *tree = NULL;

                if (mc_plan_node_parse(json_object_array_get_idx(nodes, i), &p, &name, &tree, &e) < 0) {
                        if (!e || !mc_plan_empty(&p))
                                abort();
                        continue;
                }
                if (!name || (tree && strchr(tree, '/')) || p.commands)
                        abort();
                for (size_t k = 0; k < p.n_files; k++)
                        if (p.files[k].file[0] != '/' || strstr(p.files[k].file, "/../") || !p.files[k].lens ||
                            !p.files[k].expect || !mc_is_sha256_hex(p.files[k].expect_after))
                                abort();
                mc_plan_done(&p);
        }
        return 0;
}
