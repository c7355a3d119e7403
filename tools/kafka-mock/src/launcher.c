/*
 * kafka-mock launcher: librdkafka's mock cluster (the Kafka protocol implementation librdkafka's
 * own tests use) as a stand-alone broker for development and tests, driven by line commands.
 *
 *   kafka-mock-launcher [--brokers N] [--topic name:partitions[:replication]]... [--verbose]
 *
 * Stdout: "bootstrap host:port,..." and "ready", then exactly one line per command on stdin:
 * "ok ..." or "error <reason>" (see `help`). Stops on `quit`, stdin EOF (so the broker dies with
 * the process that started it) or SIGTERM/SIGINT/SIGHUP. Log lines go to stderr only.
 */

/* librdkafka internals come first because they set the feature macros. They are used only for
 * the ApiKey names and for the request versions the mock implements, so `error` and `apiver`
 * refuse what the mock cannot do. The build script compiles this file against the same pinned
 * source tree, so these internals cannot drift. */
#include "rdkafka_int.h"
#include "rdkafka_mock_int.h"
#include "rdkafka_proto.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#define MAX_BROKERS 16
#define MAX_TOPIC_ARGS 64
#define METADATA_TIMEOUT_MS 5000

struct broker {
        int32_t id;
        char addr[64]; /* host:port */
        bool up;
};

static struct broker brokers[MAX_BROKERS];
static int broker_cnt;
static rd_kafka_t *rk;               /* owns the mock cluster; also our metadata client */
static rd_kafka_mock_cluster_t *mc;
static bool verbose;
static int signal_pipe[2] = {-1, -1}; /* self-pipe: any thread may take the signal */
static char answer[8192];             /* text of the reply being built */

/* ---- replies -------------------------------------------------------------------------------- */

/* Handlers end with `return ok(...)` or `return fail(...)`, so every command gets one line. */
static bool ok(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(answer, sizeof(answer), fmt, ap);
        va_end(ap);
        return true;
}

static bool fail(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(answer, sizeof(answer), fmt, ap);
        va_end(ap);
        return false;
}

/* Appends to the answer (for lists). */
static void append(const char *fmt, ...) {
        size_t len = strlen(answer);
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(answer + len, sizeof(answer) - len, fmt, ap);
        va_end(ap);
}

/* ---- mock calls ------------------------------------------------------------------------------ */

/* Wraps every rd_kafka_mock_* call that is served through the mock thread's op queue. In 2.12 the
 * mock thread drains its wake-up pipe after serving ops, so the wake-up of an op queued right
 * after the previous one was served can be lost and that op waits for the thread's 1 s poll
 * timeout (a 4-leader move took 1 s). Giving the thread a moment to finish its loop avoids it. */
static rd_kafka_resp_err_t settled(rd_kafka_resp_err_t err) {
        usleep(1000);
        return err;
}

/* ---- argument parsing ----------------------------------------------------------------------- */

static bool parse_long(const char *what, const char *s, long min, long max, long *out) {
        char *end;
        errno = 0;
        long v = strtol(s, &end, 10);
        if (errno || end == s || *end || v < min || v > max)
                return fail("%s must be an integer in %ld..%ld, got \"%s\"", what, min, max, s);
        *out = v;
        return true;
}

static struct broker *find_broker(int32_t id) {
        for (int i = 0; i < broker_cnt; i++)
                if (brokers[i].id == id)
                        return &brokers[i];
        return NULL;
}

static void broker_ids(char *buf, size_t size) {
        buf[0] = '\0';
        for (int i = 0; i < broker_cnt; i++)
                snprintf(buf + strlen(buf), size - strlen(buf), "%s%d", i ? " " : "",
                         (int)brokers[i].id);
}

/* A known broker id, or "all" (-1) when allow_all. */
static bool parse_broker(const char *s, bool allow_all, int32_t *id) {
        char ids[128];
        long v;
        if (allow_all && !strcmp(s, "all")) {
                *id = -1;
                return true;
        }
        broker_ids(ids, sizeof(ids));
        if (!parse_long("broker", s, 0, INT32_MAX, &v) || !find_broker((int32_t)v))
                return fail("unknown broker \"%s\" (brokers: %s%s)", s, ids,
                            allow_all ? ", or all" : "");
        *id = (int32_t)v;
        return true;
}

/* An ApiKey by name (case-insensitive, e.g. Produce, LeaveGroup) or number; only the request
 * types the mock implements, because anything else is answered "unsupported" regardless. */
static bool parse_api_key(const char *s, int16_t *key) {
        char *end;
        long v = strtol(s, &end, 10);
        if (end == s || *end) {
                for (v = 0; v < RD_KAFKAP__NUM; v++)
                        if (!strcasecmp(s, rd_kafka_ApiKey2str((int16_t)v)))
                                break;
        }
        if (v < 0 || v >= RD_KAFKAP__NUM || !rd_kafka_mock_api_handlers[v].cb)
                return fail("unknown or unimplemented ApiKey \"%s\" (e.g. Produce, Fetch, "
                            "Metadata, JoinGroup, LeaveGroup, or a number)",
                            s);
        *key = (int16_t)v;
        return true;
}

/* An error code by number or name as librdkafka spells it (NOT_LEADER_FOR_PARTITION, _TRANSPORT). */
static bool parse_error_code(const char *s, rd_kafka_resp_err_t *err) {
        const struct rd_kafka_err_desc *descs;
        size_t cnt;
        char *end;
        long v = strtol(s, &end, 10);
        bool numeric = end != s && !*end;

        rd_kafka_get_err_descs(&descs, &cnt);
        for (size_t i = 0; i < cnt; i++) {
                if (!descs[i].name)
                        continue;
                if (numeric ? descs[i].code == v : !strcasecmp(descs[i].name, s)) {
                        *err = descs[i].code;
                        return true;
                }
        }
        return fail("unknown error code \"%s\" (a Kafka error number such as 6, or a name such as "
                    "NOT_LEADER_FOR_PARTITION)",
                    s);
}

/* Kafka's own rule: 1-249 characters of [A-Za-z0-9._-]. */
static bool valid_topic_name(const char *s) {
        size_t len = strlen(s);
        if (!len || len > 249 || !strcmp(s, ".") || !strcmp(s, ".."))
                return false;
        return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-") == len;
}

/* ---- cluster state through the Metadata API (the mock has no public getters) ----------------- */

static const rd_kafka_metadata_t *fetch_metadata(void) {
        const rd_kafka_metadata_t *md;
        rd_kafka_resp_err_t err;
        bool any_up = false;
        for (int i = 0; i < broker_cnt; i++)
                any_up |= brokers[i].up;
        if (!any_up) { /* rather than waiting out the timeout */
                fail("all brokers are down: cluster state is read through the Metadata API");
                return NULL;
        }
        if ((err = rd_kafka_metadata(rk, 1, NULL, &md, METADATA_TIMEOUT_MS))) {
                fail("metadata request failed: %s", rd_kafka_err2str(err));
                return NULL;
        }
        return md;
}

static const rd_kafka_metadata_topic_t *find_topic(const rd_kafka_metadata_t *md,
                                                   const char *name) {
        for (int i = 0; i < md->topic_cnt; i++)
                if (!strcmp(md->topics[i].topic, name))
                        return &md->topics[i];
        return NULL;
}

/* A live broker to lead a partition instead of `avoid`: a live replica if any, else any live one. */
static int32_t pick_leader(const rd_kafka_metadata_partition_t *p, int32_t avoid) {
        for (int i = 0; i < p->replica_cnt; i++) {
                struct broker *b = find_broker(p->replicas[i]);
                if (b && b->up && b->id != avoid)
                        return b->id;
        }
        for (int i = 0; i < broker_cnt; i++)
                if (brokers[i].up && brokers[i].id != avoid)
                        return brokers[i].id;
        return -1;
}

/* ---- commands ------------------------------------------------------------------------------- */

static bool cmd_help(int argc, char **argv) {
        (void)argc, (void)argv;
        return ok("commands: brokers | topics | leaders <topic> | topic <name> <partitions> "
                  "[replication] | leader <topic> <partition> <broker> | down <broker|all> "
                  "[move|keep] | up <broker|all> | error <ApiKey> <code> [count] | clear <ApiKey> "
                  "| apiver <ApiKey> <min> <max> | rtt <broker|all> <ms> | quit");
}

static bool cmd_brokers(int argc, char **argv) {
        (void)argc, (void)argv;
        ok("");
        for (int i = 0; i < broker_cnt; i++)
                append("%s%d=%s:%s", i ? " " : "", (int)brokers[i].id, brokers[i].addr,
                       brokers[i].up ? "up" : "down");
        return true;
}

static bool cmd_topics(int argc, char **argv) {
        const rd_kafka_metadata_t *md = fetch_metadata();
        (void)argc, (void)argv;
        if (!md)
                return false;
        ok("");
        for (int i = 0; i < md->topic_cnt; i++)
                append("%s%s:%d", i ? " " : "", md->topics[i].topic, md->topics[i].partition_cnt);
        rd_kafka_metadata_destroy(md);
        return true;
}

static bool cmd_leaders(int argc, char **argv) {
        const rd_kafka_metadata_t *md;
        const rd_kafka_metadata_topic_t *t;
        (void)argc;
        if (!(md = fetch_metadata()))
                return false;
        if (!(t = find_topic(md, argv[1]))) {
                rd_kafka_metadata_destroy(md);
                return fail("unknown topic \"%s\"", argv[1]);
        }
        ok("");
        for (int i = 0; i < t->partition_cnt; i++)
                append("%s%d=%d", i ? " " : "", (int)t->partitions[i].id,
                       (int)t->partitions[i].leader);
        rd_kafka_metadata_destroy(md);
        return true;
}

static bool cmd_topic(int argc, char **argv) {
        long partitions, replication = broker_cnt < 3 ? broker_cnt : 3;
        rd_kafka_resp_err_t err;
        if (!valid_topic_name(argv[1]))
                return fail("invalid topic name \"%s\" (1-249 characters of A-Z a-z 0-9 . _ -)",
                            argv[1]);
        if (!parse_long("partitions", argv[2], 1, 10000, &partitions) ||
            (argc > 3 && !parse_long("replication", argv[3], 1, broker_cnt, &replication)))
                return false;
        err = settled(rd_kafka_mock_topic_create(mc, argv[1], (int)partitions, (int)replication));
        if (err == RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS)
                return fail("topic \"%s\" already exists", argv[1]);
        if (err)
                return fail("cannot create topic \"%s\": %s", argv[1], rd_kafka_err2str(err));
        return ok("topic %s %ld %ld", argv[1], partitions, replication);
}

static bool cmd_leader(int argc, char **argv) {
        const rd_kafka_metadata_t *md;
        const rd_kafka_metadata_topic_t *t;
        long partition;
        int32_t id;
        int partition_cnt;
        rd_kafka_resp_err_t err;
        (void)argc;
        /* Checked first: the mock would silently create an unknown topic. */
        if (!parse_broker(argv[3], false, &id))
                return false;
        if (!find_broker(id)->up)
                return fail("broker %d is down (bring it up first)", (int)id);
        if (!(md = fetch_metadata()))
                return false;
        t = find_topic(md, argv[1]);
        partition_cnt = t ? t->partition_cnt : 0;
        rd_kafka_metadata_destroy(md);
        if (!t)
                return fail("unknown topic \"%s\"", argv[1]);
        if (!parse_long("partition", argv[2], 0, partition_cnt - 1, &partition))
                return false;
        if ((err = settled(rd_kafka_mock_partition_set_leader(mc, argv[1], (int32_t)partition, id))))
                return fail("cannot move leader: %s", rd_kafka_err2str(err));
        return ok("leader %s %ld %d", argv[1], partition, (int)id);
}

/* Moves every partition led by `id` to another live broker. The mock keeps advertising a down
 * broker as leader while leaving it out of the broker list, and kafkajs then stalls for 40 s or
 * more ("Broker N not found"); a real cluster would elect a new leader within seconds. */
static bool move_leaders_off(int32_t id, int *moved, int *stranded) {
        const rd_kafka_metadata_t *md = fetch_metadata();
        *moved = *stranded = 0;
        if (!md)
                return false;
        for (int i = 0; i < md->topic_cnt; i++) {
                const rd_kafka_metadata_topic_t *t = &md->topics[i];
                for (int p = 0; p < t->partition_cnt; p++) {
                        int32_t to;
                        if (t->partitions[p].leader != id)
                                continue;
                        to = pick_leader(&t->partitions[p], id);
                        if (to != -1 &&
                            !settled(rd_kafka_mock_partition_set_leader(mc, t->topic, t->partitions[p].id,
                                                                to)))
                                (*moved)++;
                        else
                                (*stranded)++;
                }
        }
        rd_kafka_metadata_destroy(md);
        return true;
}

static void set_up_flag(int32_t id, bool up) {
        for (int i = 0; i < broker_cnt; i++)
                if (id == -1 || brokers[i].id == id)
                        brokers[i].up = up;
}

static bool cmd_down(int argc, char **argv) {
        int32_t id;
        int moved = 0, stranded = 0;
        bool move = true;
        rd_kafka_resp_err_t err;
        if (!parse_broker(argv[1], true, &id))
                return false;
        if (argc > 2) {
                if (strcmp(argv[2], "move") && strcmp(argv[2], "keep"))
                        return fail("second argument must be move or keep, got \"%s\"", argv[2]);
                move = !strcmp(argv[2], "move");
        }
        /* Moving needs metadata from a live broker, so it happens before the broker goes. */
        if (move && id != -1 && find_broker(id)->up && !move_leaders_off(id, &moved, &stranded)) {
                char why[sizeof(answer)]; /* the reason is in answer, which fail() overwrites */
                memcpy(why, answer, sizeof(answer));
                return fail("cannot move leaders off broker %d: %s (use \"down %d keep\")", (int)id,
                            why, (int)id);
        }
        if ((err = settled(rd_kafka_mock_broker_set_down(mc, id))))
                return fail("cannot set broker %s down: %s", argv[1], rd_kafka_err2str(err));
        set_up_flag(id, false);
        if (!move || id == -1)
                return ok("down %s", argv[1]);
        if (stranded)
                return ok("down %s moved %d stranded %d (no other live broker)", argv[1], moved,
                          stranded);
        return ok("down %s moved %d", argv[1], moved);
}

static bool cmd_up(int argc, char **argv) {
        int32_t id;
        rd_kafka_resp_err_t err;
        (void)argc;
        if (!parse_broker(argv[1], true, &id))
                return false;
        if ((err = settled(rd_kafka_mock_broker_set_up(mc, id))))
                return fail("cannot set broker %s up: %s", argv[1], rd_kafka_err2str(err));
        set_up_flag(id, true);
        return ok("up %s", argv[1]);
}

static bool cmd_error(int argc, char **argv) {
        int16_t key;
        rd_kafka_resp_err_t code = RD_KAFKA_RESP_ERR_NO_ERROR, *codes;
        long count = 1;
        if (!parse_api_key(argv[1], &key) || !parse_error_code(argv[2], &code) ||
            (argc > 3 && !parse_long("count", argv[3], 1, 100000, &count)))
                return false;
        /* The next `count` requests of this type, to any broker, fail with `code`. */
        codes = malloc(sizeof(*codes) * (size_t)count);
        for (long i = 0; i < count; i++)
                codes[i] = code;
        rd_kafka_mock_push_request_errors_array(mc, key, (size_t)count, codes);
        free(codes);
        return ok("error %s %s %ld", rd_kafka_ApiKey2str(key), rd_kafka_err2name(code), count);
}

static bool cmd_clear(int argc, char **argv) {
        int16_t key;
        (void)argc;
        if (!parse_api_key(argv[1], &key))
                return false;
        rd_kafka_mock_clear_request_errors(mc, key);
        return ok("clear %s", rd_kafka_ApiKey2str(key));
}

static bool cmd_apiver(int argc, char **argv) {
        int16_t key;
        long min, max;
        const struct rd_kafka_mock_api_handler *h;
        rd_kafka_resp_err_t err;
        (void)argc;
        if (!parse_api_key(argv[1], &key))
                return false;
        h = &rd_kafka_mock_api_handlers[key];
        /* -1 -1 disables the API; otherwise the range must be one the mock can parse. */
        if (!(!strcmp(argv[2], "-1") && !strcmp(argv[3], "-1")) &&
            (!parse_long("min", argv[2], h->MinVersion, h->MaxVersion, &min) ||
             !parse_long("max", argv[3], min, h->MaxVersion, &max))) {
                char why[sizeof(answer)]; /* the reason is in answer, which fail() overwrites */
                memcpy(why, answer, sizeof(answer));
                return fail("%s (the mock implements %s v%d..%d; -1 -1 disables it)", why,
                            rd_kafka_ApiKey2str(key), h->MinVersion, h->MaxVersion);
        }
        if (!strcmp(argv[2], "-1"))
                min = max = -1;
        if ((err = settled(rd_kafka_mock_set_apiversion(mc, key, (int16_t)min, (int16_t)max))))
                return fail("cannot set versions: %s", rd_kafka_err2str(err));
        return ok("apiver %s %ld %ld", rd_kafka_ApiKey2str(key), min, max);
}

static bool cmd_rtt(int argc, char **argv) {
        int32_t id;
        long ms;
        rd_kafka_resp_err_t err;
        (void)argc;
        if (!parse_broker(argv[1], true, &id) || !parse_long("rtt", argv[2], 0, 600000, &ms))
                return false;
        if ((err = settled(rd_kafka_mock_broker_set_rtt(mc, id, (int)ms))))
                return fail("cannot set rtt: %s", rd_kafka_err2str(err));
        return ok("rtt %s %ld", argv[1], ms);
}

static const struct command {
        const char *name;
        int min_args, max_args; /* not counting the name */
        const char *usage;
        bool (*run)(int argc, char **argv);
} commands[] = {
    {"help", 0, 0, "help", cmd_help},
    {"brokers", 0, 0, "brokers", cmd_brokers},
    {"topics", 0, 0, "topics", cmd_topics},
    {"leaders", 1, 1, "leaders <topic>", cmd_leaders},
    {"topic", 2, 3, "topic <name> <partitions> [replication]", cmd_topic},
    {"leader", 3, 3, "leader <topic> <partition> <broker>", cmd_leader},
    {"down", 1, 2, "down <broker|all> [move|keep]", cmd_down},
    {"up", 1, 1, "up <broker|all>", cmd_up},
    {"error", 2, 3, "error <ApiKey> <code> [count]", cmd_error},
    {"clear", 1, 1, "clear <ApiKey>", cmd_clear},
    {"apiver", 3, 3, "apiver <ApiKey> <min> <max>", cmd_apiver},
    {"rtt", 2, 2, "rtt <broker|all> <ms>", cmd_rtt},
};

/* Runs one command line and prints its single reply line. Returns false on `quit`. */
static bool handle_line(char *line) {
        char *argv[8], *save = NULL, *tok;
        int argc = 0;
        bool good;

        for (tok = strtok_r(line, " \t\r", &save); tok; tok = strtok_r(NULL, " \t\r", &save)) {
                if (argc == 8) {
                        printf("error too many arguments\n");
                        return true;
                }
                argv[argc++] = tok;
        }
        if (!argc)
                return true; /* blank lines get no reply: they are not commands */
        if (!strcmp(argv[0], "quit")) {
                printf("ok bye\n");
                return false;
        }
        for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
                const struct command *c = &commands[i];
                if (strcmp(argv[0], c->name))
                        continue;
                if (argc - 1 < c->min_args || argc - 1 > c->max_args)
                        good = fail("usage: %s", c->usage);
                else
                        good = c->run(argc, argv);
                printf("%s%s%s\n", good ? "ok" : "error", *answer ? " " : "", answer);
                return true;
        }
        printf("error unknown command \"%s\" (try help)\n", argv[0]);
        return true;
}

/* ---- start-up ------------------------------------------------------------------------------- */

static void log_cb(const rd_kafka_t *r, int level, const char *fac, const char *buf) {
        (void)r;
        /* Connection errors are expected while brokers are down: only with --verbose. */
        if (verbose || level <= LOG_CRIT)
                fprintf(stderr, "kafka-mock %s: %s\n", fac, buf);
}

static void die(const char *fmt, ...) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "kafka-mock: ");
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
        exit(1);
}

/* Creates N brokers with ids 0..N-1. The mock numbers its brokers from 1 but reports controller
 * id 0 in Metadata, and kafkajs sends InitProducerId (idempotent producer) and admin requests to
 * the controller: so add broker 0 and retire broker N. */
static void start_cluster(int n) {
        char errstr[512], value[16], *save = NULL, *addr, *list;
        const rd_kafka_metadata_t *md;
        rd_kafka_conf_t *conf = rd_kafka_conf_new();
        rd_kafka_resp_err_t err;

        snprintf(value, sizeof(value), "%d", n);
        if (rd_kafka_conf_set(conf, "test.mock.num.brokers", value, errstr, sizeof(errstr)) ||
            /* Our client asks for metadata only when a command needs it... */
            rd_kafka_conf_set(conf, "topic.metadata.refresh.interval.ms", "-1", errstr,
                              sizeof(errstr)) ||
            /* ...and must find a live broker at once after down/up (the default backoff grows
             * to 10 s, which made commands after a few down/up cycles take up to 2 s). */
            rd_kafka_conf_set(conf, "reconnect.backoff.ms", "10", errstr, sizeof(errstr)) ||
            rd_kafka_conf_set(conf, "reconnect.backoff.max.ms", "100", errstr, sizeof(errstr)))
                die("%s", errstr);
        rd_kafka_conf_set_log_cb(conf, log_cb);
        if (!(rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof(errstr))))
                die("cannot create the mock cluster: %s", errstr);
        mc = rd_kafka_handle_mock_cluster(rk);

        list = strdup(rd_kafka_mock_cluster_bootstraps(mc));
        for (addr = strtok_r(list, ",", &save); addr; addr = strtok_r(NULL, ",", &save)) {
                brokers[broker_cnt].id = broker_cnt + 1; /* bootstraps are listed in id order */
                brokers[broker_cnt].up = true;
                snprintf(brokers[broker_cnt].addr, sizeof(brokers[0].addr), "%s", addr);
                broker_cnt++;
        }
        free(list);

        if ((err = settled(rd_kafka_mock_broker_add(mc, 0))))
                die("cannot add broker 0: %s", rd_kafka_err2str(err));
        /* Broker 0's port is only visible through Metadata; this also teaches our client broker
         * 0, which it needs once broker N (in its bootstrap list) is gone. */
        if (!(md = fetch_metadata()))
                die("%s", answer);
        for (int i = 0; i < md->broker_cnt; i++)
                if (md->brokers[i].id == 0) {
                        memmove(&brokers[1], &brokers[0], sizeof(brokers[0]) * (size_t)broker_cnt);
                        brokers[0].id = 0;
                        brokers[0].up = true;
                        snprintf(brokers[0].addr, sizeof(brokers[0].addr), "%s:%d",
                                 md->brokers[i].host, md->brokers[i].port);
                        broker_cnt++;
                }
        rd_kafka_metadata_destroy(md);
        if (!find_broker(0))
                die("broker 0 missing from metadata");
        if ((err = settled(rd_kafka_mock_broker_decommission(mc, n))))
                die("cannot retire broker %d: %s", n, rd_kafka_err2str(err));
        broker_cnt--;

        /* The mock's default is 3 s; tests want a group to form at once. */
        rd_kafka_mock_group_initial_rebalance_delay_ms(mc, 0);
        /* With LeaveGroup v2+ (batched members) a leaving kafkajs member is only noticed at
         * session timeout; v0-1 make it leave at once. */
        settled(rd_kafka_mock_set_apiversion(mc, RD_KAFKAP_LeaveGroup, 0, 1));
        /* KIP-848 (group.protocol=consumer) groups take these from the broker; classic groups,
         * which kafkajs uses, take the client's sessionTimeout and heartbeatInterval. */
        rd_kafka_mock_set_group_consumer_session_timeout_ms(mc, 6000);
        rd_kafka_mock_set_group_consumer_heartbeat_interval_ms(mc, 500);
}

static void create_topic_arg(const char *spec) {
        char line[512];
        char *argv[4] = {"topic", line, NULL, NULL}, *colon;
        snprintf(line, sizeof(line), "%s", spec);
        if (!(colon = strchr(line, ':')))
                die("--topic %s: expected name:partitions[:replication]", spec);
        *colon = '\0';
        argv[2] = colon + 1;
        if ((colon = strchr(argv[2], ':'))) {
                *colon = '\0';
                argv[3] = colon + 1;
        }
        if (!cmd_topic(argv[3] ? 4 : 3, argv))
                die("--topic %s: %s", spec, answer);
}

static void usage(int code) {
        fprintf(code ? stderr : stdout,
                "usage: kafka-mock-launcher [--brokers N] [--topic name:partitions[:replication]]... "
                "[--verbose]\n");
        exit(code);
}

/* ---- main loop ------------------------------------------------------------------------------ */

static void on_signal(int sig) {
        char c = (char)sig;
        ssize_t r = write(signal_pipe[1], &c, 1);
        (void)r;
}

/* Reads stdin until EOF, `quit` or a signal. poll() on a self-pipe rather than a flag checked
 * around read(): librdkafka's threads may take the signal, and a flag set there would not wake
 * a main thread blocked in read(). */
static void serve(void) {
        static char buf[65536];
        size_t len = 0;
        struct pollfd fds[2] = {{.fd = 0, .events = POLLIN}, {.fd = signal_pipe[0], .events = POLLIN}};

        for (;;) {
                ssize_t r;
                char *nl;
                if (poll(fds, 2, -1) == -1) {
                        if (errno == EINTR)
                                continue;
                        die("poll: %s", strerror(errno));
                }
                if (fds[1].revents)
                        return;
                if (!fds[0].revents)
                        continue;
                r = read(0, buf + len, sizeof(buf) - 1 - len);
                if (r < 0 && errno == EINTR)
                        continue;
                if (r <= 0) {
                        buf[len] = '\0';
                        if (len)
                                handle_line(buf); /* a last line without newline */
                        fflush(stdout);
                        return;
                }
                len += (size_t)r;
                while ((nl = memchr(buf, '\n', len))) {
                        *nl = '\0';
                        bool more = handle_line(buf);
                        fflush(stdout);
                        if (!more)
                                return;
                        len -= (size_t)(nl + 1 - buf);
                        memmove(buf, nl + 1, len);
                }
                if (len == sizeof(buf) - 1) {
                        printf("error line too long\n");
                        fflush(stdout);
                        len = 0;
                }
        }
}

int main(int argc, char **argv) {
        const char *topics[MAX_TOPIC_ARGS];
        int topic_cnt = 0;
        long n = 3;
        struct sigaction sa = {.sa_handler = on_signal};

        for (int i = 1; i < argc; i++) {
                if (!strcmp(argv[i], "--brokers") && i + 1 < argc) {
                        if (!parse_long("--brokers", argv[++i], 1, MAX_BROKERS - 1, &n))
                                die("%s", answer);
                } else if (!strcmp(argv[i], "--topic") && i + 1 < argc && topic_cnt < MAX_TOPIC_ARGS) {
                        topics[topic_cnt++] = argv[++i];
                } else if (!strcmp(argv[i], "--verbose")) {
                        verbose = true;
                } else {
                        usage(strcmp(argv[i], "--help") ? 2 : 0);
                }
        }

        if (pipe(signal_pipe) == -1)
                die("pipe: %s", strerror(errno));
        sigemptyset(&sa.sa_mask);
        sigaction(SIGTERM, &sa, NULL);
        sigaction(SIGINT, &sa, NULL);
        sigaction(SIGHUP, &sa, NULL);

        start_cluster((int)n);
        for (int i = 0; i < topic_cnt; i++)
                create_topic_arg(topics[i]);

        printf("bootstrap ");
        for (int i = 0; i < broker_cnt; i++)
                printf("%s%s", i ? "," : "", brokers[i].addr);
        printf("\nready\n");
        fflush(stdout);

        serve();
        rd_kafka_destroy(rk); /* also destroys the mock cluster */
        return 0;
}
