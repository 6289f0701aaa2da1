/**
 * Pattern/event/expected cases taken from AWS's documentation of event patterns and from
 * the README of event-ruler (the matcher EventBridge is built on). Each group cites the page
 * or README section its pattern comes from; the events are the documented ones or small
 * variations of them that probe the documented rule (a value just inside/outside a range,
 * another case spelling, a missing field, a value of another type).
 */

export interface MatchCase {
  name: string;
  source: string;
  pattern: Record<string, unknown>;
  event: Record<string, unknown>;
  match: boolean;
}

const FILTERING = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html";
const PATTERNS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html";
const ARRAYS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html";
const RULER = "https://github.com/aws/event-ruler/blob/main/README.md";
const OPERATORS = "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html";

const cases: MatchCase[] = [];

function group(
  source: string,
  label: string,
  pattern: Record<string, unknown>,
  events: [string, Record<string, unknown>, boolean][],
): void {
  for (const [what, event, match] of events) cases.push({ name: `${label}: ${what}`, source, pattern, event, match });
}

/** The sample event of event-ruler's README ("Ruler by Example"). */
const RULER_EVENT = {
  version: "0",
  id: "ddddd4-aaaa-7777-4444-345dd43cc333",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "012345679012",
  time: "2017-10-02T16:24:49Z",
  region: "us-east-1",
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  detail: {
    "c-count": 5,
    "d-count": 3,
    "x-limit": 301.8,
    "source-ip": "10.0.0.33",
    "instance-id": "i-000000aaaaaa00000",
    state: "running",
  },
};

const withDetail = (detail: Record<string, unknown>): Record<string, unknown> => ({
  ...RULER_EVENT,
  detail: { ...RULER_EVENT.detail, ...detail },
});

/** The EC2 event of the EventBridge User Guide's "Event patterns" page. */
const EC2_EVENT = {
  version: "0",
  id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
  "detail-type": "EC2 Instance State-change Notification",
  source: "aws.ec2",
  account: "111122223333",
  time: "2017-12-22T18:43:48Z",
  region: "us-west-1",
  resources: ["arn:aws:ec2:us-west-1:123456789012:instance/i-1234567890abcdef0"],
  detail: { "instance-id": "i-1234567890abcdef0", state: "terminated" },
};

// ---- Basic matching ------------------------------------------------------------------

group(PATTERNS, "instance-termination pattern", {
  source: ["aws.ec2"],
  "detail-type": ["EC2 Instance State-change Notification"],
  detail: { state: ["terminated"] },
}, [
  ["the documented event", EC2_EVENT, true],
  ["another state", { ...EC2_EVENT, detail: { ...EC2_EVENT.detail, state: "running" } }, false],
  ["another source", { ...EC2_EVENT, source: "aws.s3" }, false],
  ["state missing", { ...EC2_EVENT, detail: { "instance-id": "i-1234567890abcdef0" } }, false],
  ["values are case sensitive", { ...EC2_EVENT, detail: { ...EC2_EVENT.detail, state: "Terminated" } }, false],
  ["extra fields are ignored", { ...EC2_EVENT, extra: { anything: 1 } }, true],
  ["detail is not an object", { ...EC2_EVENT, detail: "terminated" }, false],
]);

group(RULER, "Simple matching (Ruler by Example)", {
  "detail-type": ["EC2 Instance State-change Notification"],
  resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"],
  detail: { state: ["initializing", "running"] },
}, [
  ["the sample event", RULER_EVENT, true],
  ["state initializing (second value of the list)", withDetail({ state: "initializing" }), true],
  ["state stopped", withDetail({ state: "stopped" }), false],
  ["resources without the ARN", { ...RULER_EVENT, resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-other"] }, false],
  ["resources with the ARN among others", { ...RULER_EVENT, resources: ["arn:x", "arn:aws:ec2:us-east-1:123456789012:instance/i-000000aaaaaa00000"] }, true],
  ["resources empty", { ...RULER_EVENT, resources: [] }, false],
]);

group(PATTERNS, "exact numbers", { detail: { "c-count": [5] } }, [
  ["equal integer", withDetail({}), true],
  ["5.0 is the same number", withDetail({ "c-count": 5.0 }), true],
  ["the string \"5\" is not a number", withDetail({ "c-count": "5" }), false],
  ["another number", withDetail({ "c-count": 6 }), false],
]);

group(RULER, "JSON text matching: literals true/false/null", { detail: { flag: [true] } }, [
  ["true", withDetail({ flag: true }), true],
  ["the string \"true\"", withDetail({ flag: "true" }), false],
  ["false", withDetail({ flag: false }), false],
]);

// ---- Null and empty strings ----------------------------------------------------------

const NULL_EVENT = { ...EC2_EVENT, detail: { eventVersion: "", responseElements: null } };
group(PATTERNS, "matching an empty string", { detail: { eventVersion: [""] } }, [
  ["empty string", NULL_EVENT, true],
  ["null is not an empty string", { ...NULL_EVENT, detail: { eventVersion: null } }, false],
  ["missing is not an empty string", { ...NULL_EVENT, detail: {} }, false],
  ["a space is not empty", { ...NULL_EVENT, detail: { eventVersion: " " } }, false],
]);
group(PATTERNS, "matching null", { detail: { responseElements: [null] } }, [
  ["null", NULL_EVENT, true],
  ["empty string is not null", { ...NULL_EVENT, detail: { responseElements: "" } }, false],
  ["missing is not null", { ...NULL_EVENT, detail: { eventVersion: "" } }, false],
  ["an object is not null", { ...NULL_EVENT, detail: { responseElements: { a: 1 } } }, false],
]);

// ---- Arrays ---------------------------------------------------------------------------

const ARRAY_PATTERN = {
  resources: [
    "arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f",
    "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f",
  ],
};
group(ARRAYS, "arrays: any value in common", ARRAY_PATTERN, [
  ["event array shares the first ARN", { resources: ["arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f", "arn:aws:ec2:us-east-1:000000000000:instance/i-x"] }, true],
  ["event array shares the last ARN", { resources: ["arn:y", "arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f"] }, true],
  ["event array shares none", { resources: ["arn:aws:ec2:us-east-1:999999999999:instance/i-b188560f"] }, false],
  ["single string value", { resources: "arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f" }, true],
  ["nested arrays are crushed out", { resources: [["arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f"]] }, true],
]);

const EMPLOYEES = {
  employees: [
    { firstName: "John", lastName: "Doe" },
    { firstName: "Anna", lastName: "Smith" },
    { firstName: "Peter", lastName: "Jones" },
  ],
};
group(RULER, "JSON Array Matching: objects in arrays", { employees: { firstName: ["Anna"] } }, [
  ["an element has firstName Anna", EMPLOYEES, true],
  ["no element has it", { employees: [{ firstName: "John" }] }, false],
  ["multi-level arrays", { employees: [[{ firstName: "John" }, { firstName: "Anna" }], [{ firstName: "Peter" }]] }, true],
]);
group(RULER, "JSON Array Matching: array consistency", { employees: { firstName: ["Anna"], lastName: ["Jones"] } }, [
  ["Anna and Jones are in different elements", EMPLOYEES, false],
  ["Anna Jones in one element", { employees: [{ firstName: "John", lastName: "Doe" }, { firstName: "Anna", lastName: "Jones" }] }, true],
  ["different elements of an inner array", { employees: [[{ firstName: "Anna", lastName: "Smith" }, { firstName: "Peter", lastName: "Jones" }]] }, false],
]);
group(RULER, "JSON Array Matching: consistent pair", { employees: { firstName: ["Anna"], lastName: ["Smith"] } }, [
  ["same element", EMPLOYEES, true],
  ["same element inside multi-level arrays", { employees: [[{ firstName: "John", lastName: "Doe" }, { firstName: "Anna", lastName: "Smith" }], [{ firstName: "Peter", lastName: "Jones" }]] }, true],
]);

// ---- Prefix / suffix / equals-ignore-case --------------------------------------------

group(FILTERING, "prefix matching", { time: [{ prefix: "2017-10-02" }] }, [
  ["documented time", { time: "2017-10-02T18:43:48Z" }, true],
  ["other day", { time: "2017-10-03T18:43:48Z" }, false],
  ["value equal to the prefix", { time: "2017-10-02" }, true],
  ["shorter than the prefix", { time: "2017-10" }, false],
  ["anything may follow the prefix", { time: "2017-10-02t" }, true],
  ["number values never match a prefix", { time: 20171002 }, false],
  ["missing field", {}, false],
]);
group(FILTERING, "prefix matching while ignoring case", { detail: { service: [{ prefix: { "equals-ignore-case": "EventB" } }] } }, [
  ["EventBridge", { detail: { service: "EventBridge" } }, true],
  ["EVENTBRIDGE", { detail: { service: "EVENTBRIDGE" } }, true],
  ["eventbridge", { detail: { service: "eventbridge" } }, true],
  ["eVeNtB only", { detail: { service: "eVeNtB" } }, true],
  ["Event Bus", { detail: { service: "Event Bus" } }, false],
]);
group(FILTERING, "suffix matching", { FileName: [{ suffix: ".png" }] }, [
  ["image.png", { FileName: "image.png" }, true],
  [".png only", { FileName: ".png" }, true],
  ["image.PNG (case sensitive)", { FileName: "image.PNG" }, false],
  ["image.png.txt", { FileName: "image.png.txt" }, false],
]);
group(FILTERING, "suffix matching while ignoring case", { detail: { FileName: [{ suffix: { "equals-ignore-case": ".png" } }] } }, [
  ["image.png", { detail: { FileName: "image.png" } }, true],
  ["image.PNG", { detail: { FileName: "image.PNG" } }, true],
  ["image.Png", { detail: { FileName: "image.Png" } }, true],
  ["image.jpg", { detail: { FileName: "image.jpg" } }, false],
]);
group(RULER, "Suffix matching on source", { source: [{ suffix: "ec2" }] }, [
  ["aws.ec2", RULER_EVENT, true],
  ["aws.s3", { ...RULER_EVENT, source: "aws.s3" }, false],
]);
group(RULER, "Equals-ignore-case matching", { source: [{ "equals-ignore-case": "EC2" }] }, [
  ["ec2", { source: "ec2" }, true],
  ["Ec2", { source: "Ec2" }, true],
  ["aws.ec2 is not equal", { source: "aws.ec2" }, false],
  ["not a string", { source: 2 }, false],
]);
group(FILTERING, "equals-ignore-case on detail-type", { "detail-type": [{ "equals-ignore-case": "ec2 instance state-change notification" }] }, [
  ["documented casing", EC2_EVENT, true],
  ["upper case", { ...EC2_EVENT, "detail-type": "EC2 INSTANCE STATE-CHANGE NOTIFICATION" }, true],
  ["different text", { ...EC2_EVENT, "detail-type": "EC2 Spot Instance Interruption Warning" }, false],
]);

// ---- Wildcard -------------------------------------------------------------------------

group(RULER, "Wildcard matching", { source: [{ wildcard: "Simple*Service" }] }, [
  ["SimpleQueueService", { source: "SimpleQueueService" }, true],
  ["SimpleService (empty run)", { source: "SimpleService" }, true],
  ["SimpleNotificationService", { source: "SimpleNotificationService" }, true],
  ["SimpleServices", { source: "SimpleServices" }, false],
  ["ASimpleService", { source: "ASimpleService" }, false],
]);
group(FILTERING, "wildcard: files with a .png extension in dir", { FilePath: [{ wildcard: "dir/*.png" }] }, [
  ["dir/image.png", { FilePath: "dir/image.png" }, true],
  ["dir/dir1/dir2/image.png (star spans slashes)", { FilePath: "dir/dir1/dir2/image.png" }, true],
  ["dir/image.jpg", { FilePath: "dir/image.jpg" }, false],
  ["other/image.png", { FilePath: "other/image.png" }, false],
]);
group(FILTERING, "wildcard with two stars", { EventBusArn: [{ wildcard: "arn:aws:events:us-east-1:*:event-bus/*" }] }, [
  ["default bus", { EventBusArn: "arn:aws:events:us-east-1:123456789012:event-bus/default" }, true],
  ["other region", { EventBusArn: "arn:aws:events:us-west-2:123456789012:event-bus/default" }, false],
  ["rule, not bus", { EventBusArn: "arn:aws:events:us-east-1:123456789012:rule/r" }, false],
]);
group(RULER, "Wildcard matching: escaped star", { name: [{ wildcard: "a\\*b" }] }, [
  ["literal a*b", { name: "a*b" }, true],
  ["axb does not match an escaped star", { name: "axb" }, false],
]);
group(RULER, "Wildcard matching: escaped backslash", { name: [{ wildcard: "a\\\\*" }] }, [
  ["a\\ followed by anything", { name: "a\\xyz" }, true],
  ["a without backslash", { name: "axyz" }, false],
]);
group(RULER, "Wildcard matching: lone star", { name: [{ wildcard: "*" }] }, [
  ["any string", { name: "anything" }, true],
  ["empty string", { name: "" }, true],
  ["a number is not a string", { name: 5 }, false],
]);

// ---- Anything-but ---------------------------------------------------------------------

group(FILTERING, "anything-but a string", { detail: { state: [{ "anything-but": "initializing" }] } }, [
  ["running", withDetail({ state: "running" }), true],
  ["initializing", withDetail({ state: "initializing" }), false],
  ["state missing does not match", { detail: { other: 1 } }, false],
  ["a number is not the excluded string", withDetail({ state: 7 }), true],
  ["null is not the excluded string", withDetail({ state: null }), true],
  ["array with another value", withDetail({ state: ["initializing", "running"] }), true],
  ["array of only the excluded value", withDetail({ state: ["initializing"] }), false],
]);
group(FILTERING, "anything-but a number", { detail: { "x-limit": [{ "anything-but": 123 }] } }, [
  ["301.8", RULER_EVENT, true],
  ["123", withDetail({ "x-limit": 123 }), false],
  ["123.0 is the same number", withDetail({ "x-limit": 123.0 }), false],
  ["the string \"123\" is not the number", withDetail({ "x-limit": "123" }), true],
]);
group(FILTERING, "anything-but a list of strings", { detail: { state: [{ "anything-but": ["stopped", "overloaded"] }] } }, [
  ["running", withDetail({ state: "running" }), true],
  ["stopped", withDetail({ state: "stopped" }), false],
  ["overloaded", withDetail({ state: "overloaded" }), false],
  ["Stopped (case differs)", withDetail({ state: "Stopped" }), true],
]);
group(FILTERING, "anything-but a list of numbers", { detail: { "x-limit": [{ "anything-but": [100, 200, 300] }] } }, [
  ["301.8", RULER_EVENT, true],
  ["200", withDetail({ "x-limit": 200 }), false],
  ["300", withDetail({ "x-limit": 300 }), false],
  ["250", withDetail({ "x-limit": 250 }), true],
]);
group(FILTERING, "anything-but prefix", { detail: { state: [{ "anything-but": { prefix: "init" } }] } }, [
  ["running", withDetail({ state: "running" }), true],
  ["initializing", withDetail({ state: "initializing" }), false],
  ["init", withDetail({ state: "init" }), false],
  ["Initializing (case differs)", withDetail({ state: "Initializing" }), true],
  ["missing", { detail: {} }, false],
]);
group(FILTERING, "anything-but suffix", { detail: { FileName: [{ "anything-but": { suffix: ".txt" } }] } }, [
  ["notes.md", { detail: { FileName: "notes.md" } }, true],
  ["notes.txt", { detail: { FileName: "notes.txt" } }, false],
  ["notes.TXT (case differs)", { detail: { FileName: "notes.TXT" } }, true],
]);
group(FILTERING, "anything-but ignoring case", { detail: { state: [{ "anything-but": { "equals-ignore-case": ["Stopped", "OverLoaded"] } }] } }, [
  ["running", withDetail({ state: "running" }), true],
  ["STOPPED", withDetail({ state: "STOPPED" }), false],
  ["overloaded", withDetail({ state: "overloaded" }), false],
]);
group(FILTERING, "anything-but ignoring case, single value", { detail: { state: [{ "anything-but": { "equals-ignore-case": "initializing" } }] } }, [
  ["INITIALIZING", withDetail({ state: "INITIALIZING" }), false],
  ["running", withDetail({ state: "running" }), true],
]);
group(FILTERING, "anything-but wildcard", { detail: { FilePath: [{ "anything-but": { wildcard: "*/lib/*" } }] } }, [
  ["/usr/bin/tool", { detail: { FilePath: "/usr/bin/tool" } }, true],
  ["/usr/lib/libc.so", { detail: { FilePath: "/usr/lib/libc.so" } }, false],
]);
group(FILTERING, "anything-but wildcard list", { detail: { FilePath: [{ "anything-but": { wildcard: ["*/lib/*", "*/bin/*"] } }] } }, [
  ["/usr/share/doc", { detail: { FilePath: "/usr/share/doc" } }, true],
  ["/usr/bin/tool", { detail: { FilePath: "/usr/bin/tool" } }, false],
  ["/usr/lib/x", { detail: { FilePath: "/usr/lib/x" } }, false],
]);

// ---- Numeric --------------------------------------------------------------------------

group(FILTERING, "numeric matching (documented pattern)", {
  detail: {
    "c-count": [{ numeric: [">", 0, "<=", 5] }],
    "d-count": [{ numeric: ["<", 10] }],
    "x-limit": [{ numeric: ["=", 3.018e2] }],
  },
}, [
  ["the sample event", RULER_EVENT, true],
  ["c-count 0 is not > 0", withDetail({ "c-count": 0 }), false],
  ["c-count 6 is not <= 5", withDetail({ "c-count": 6 }), false],
  ["c-count 0.5", withDetail({ "c-count": 0.5 }), true],
  ["d-count 10 is not < 10", withDetail({ "d-count": 10 }), false],
  ["d-count -3", withDetail({ "d-count": -3 }), true],
  ["x-limit 301.80 equals 3.018e2", withDetail({ "x-limit": 301.8 }), true],
  ["x-limit 301.9", withDetail({ "x-limit": 301.9 }), false],
  ["c-count as a string", withDetail({ "c-count": "5" }), false],
]);
group(FILTERING, "numeric range >= and <", { detail: { price: [{ numeric: [">=", 10, "<", 20] }] } }, [
  ["10", { detail: { price: 10 } }, true],
  ["19.999999", { detail: { price: 19.999999 } }, true],
  ["20", { detail: { price: 20 } }, false],
  ["9.99", { detail: { price: 9.99 } }, false],
  ["array with one value in range", { detail: { price: [5, 15] } }, true],
]);
group(FILTERING, "numeric equality", { detail: { price: [{ numeric: ["=", 100] }] } }, [
  ["100", { detail: { price: 100 } }, true],
  ["1e2", { detail: { price: 1e2 } }, true],
  ["100.000001", { detail: { price: 100.000001 } }, false],
  ["true is not a number", { detail: { price: true } }, false],
]);
group(RULER, "Numeric matching: limited to ±5e9 with six decimals", { detail: { n: [{ numeric: [">", 0] }] } }, [
  ["5e9 is comparable", { detail: { n: 5e9 } }, true],
  ["6e9 is beyond the comparable range", { detail: { n: 6e9 } }, false],
  ["0.000001 has six decimals", { detail: { n: 0.000001 } }, true],
  ["0.0000001 has seven decimals", { detail: { n: 0.0000001 } }, false],
]);
group(FILTERING, "numeric: price is more than 10 and at most 20", { Price: [{ numeric: [">", 10, "<=", 20] }] }, [
  ["15", { Price: 15 }, true],
  ["20", { Price: 20 }, true],
  ["10", { Price: 10 }, false],
  ["21", { Price: 21 }, false],
]);

// ---- IP addresses ---------------------------------------------------------------------

group(FILTERING, "IP address matching (IPv4)", { detail: { sourceIPAddress: [{ cidr: "10.0.0.0/24" }] } }, [
  ["10.0.0.255", { detail: { sourceIPAddress: "10.0.0.255" } }, true],
  ["10.0.0.0", { detail: { sourceIPAddress: "10.0.0.0" } }, true],
  ["10.0.1.0", { detail: { sourceIPAddress: "10.0.1.0" } }, false],
  ["not an address", { detail: { sourceIPAddress: "ten" } }, false],
  ["an IPv6 address is outside an IPv4 block", { detail: { sourceIPAddress: "2001:db8::1" } }, false],
]);
group(FILTERING, "IP address matching (IPv6)", { detail: { sourceIPAddress: [{ cidr: "2001:db8::/64" }] } }, [
  ["2001:db8::1", { detail: { sourceIPAddress: "2001:db8::1" } }, true],
  ["expanded form", { detail: { sourceIPAddress: "2001:0db8:0000:0000:ffff:ffff:ffff:ffff" } }, true],
  ["next /64", { detail: { sourceIPAddress: "2001:db8:0:1::1" } }, false],
  ["upper-case hex", { detail: { sourceIPAddress: "2001:DB8::ABCD" } }, true],
]);
group(RULER, "IP Address Matching (README)", { detail: { "source-ip": [{ cidr: "10.0.0.0/24" }] } }, [
  ["10.0.0.33", RULER_EVENT, true],
  ["10.0.2.33", withDetail({ "source-ip": "10.0.2.33" }), false],
]);

// ---- Exists ---------------------------------------------------------------------------

group(FILTERING, "exists true", { detail: { state: [{ exists: true }] } }, [
  ["state present", EC2_EVENT, true],
  ["state null is present", { ...EC2_EVENT, detail: { state: null } }, true],
  ["state empty string is present", { ...EC2_EVENT, detail: { state: "" } }, true],
  ["state missing", { ...EC2_EVENT, detail: { "instance-id": "i-1" } }, false],
  ["detail missing", { source: "aws.ec2" }, false],
]);
group(FILTERING, "exists false", { detail: { state: [{ exists: false }] } }, [
  ["state present", EC2_EVENT, false],
  ["state missing", { ...EC2_EVENT, detail: { "instance-id": "i-1" } }, true],
  ["detail missing entirely", { source: "aws.ec2" }, true],
  ["state null is still present", { ...EC2_EVENT, detail: { state: null } }, false],
]);
group(RULER, "Exists matching: only leaf nodes", { detail: { "c-count": [{ exists: false }] } }, [
  ["c-count is a leaf", RULER_EVENT, false],
  ["c-count absent", { detail: { state: "running" } }, true],
  ["c-count is an object, not a leaf", { detail: { state: "running", "c-count": { c1: 100 } } }, true],
]);
group(RULER, "Exists matching: exists true on an object", { detail: { "c-count": [{ exists: true }] } }, [
  ["c-count is a leaf", RULER_EVENT, true],
  ["c-count is an object", { detail: { "c-count": { c1: 100 } } }, false],
  ["c-count is an empty list", { detail: { "c-count": [] } }, false],
  ["c-count is a list of values", { detail: { "c-count": [1, 2] } }, true],
]);
group(FILTERING, "exists false together with other fields", {
  source: ["aws.ec2"],
  detail: { "error-code": [{ exists: false }] },
}, [
  ["no error code", EC2_EVENT, true],
  ["error code present", { ...EC2_EVENT, detail: { ...EC2_EVENT.detail, "error-code": "E1" } }, false],
  ["other source", { ...EC2_EVENT, source: "aws.s3" }, false],
]);

// ---- Combinations, $or ----------------------------------------------------------------

group(RULER, "Complex example", {
  time: [{ prefix: "2017-10-02" }],
  detail: {
    state: [{ "anything-but": "initializing" }],
    "c-count": [{ numeric: [">", 0, "<=", 5] }],
    "d-count": [{ numeric: ["<", 10] }],
    "x-limit": [{ "anything-but": [100, 200, 300] }],
    "source-ip": [{ cidr: "10.0.0.0/8" }],
  },
}, [
  ["the sample event", RULER_EVENT, true],
  ["state initializing", withDetail({ state: "initializing" }), false],
  ["x-limit 200", withDetail({ "x-limit": 200 }), false],
  ["source-ip outside 10/8", withDetail({ "source-ip": "11.0.0.1" }), false],
  ["time on another day", { ...RULER_EVENT, time: "2017-10-03T00:00:00Z" }, false],
]);
group(FILTERING, "several values are OR, several fields are AND", {
  detail: { state: ["stopped", "terminated"], "instance-id": [{ prefix: "i-12" }] },
}, [
  ["terminated and prefix", EC2_EVENT, true],
  ["stopped and prefix", { ...EC2_EVENT, detail: { ...EC2_EVENT.detail, state: "stopped" } }, true],
  ["terminated but other instance", { ...EC2_EVENT, detail: { ...EC2_EVENT.detail, "instance-id": "i-99" } }, false],
]);
group(FILTERING, "mixed operators in one list", { detail: { state: ["running", { prefix: "stop" }, { "anything-but": { prefix: "t" } }] } }, [
  ["running", { detail: { state: "running" } }, true],
  ["stopping", { detail: { state: "stopping" } }, true],
  ["pending (anything but t...)", { detail: { state: "pending" } }, true],
  ["terminated", { detail: { state: "terminated" } }, false],
]);
group(RULER, "The \"$or\" Primitive: normal Or", {
  source: ["aws.cloudwatch"],
  $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
}, [
  ["metricName matches", { source: "aws.cloudwatch", metricName: "CPUUtilization" }, true],
  ["namespace matches", { source: "aws.cloudwatch", namespace: "AWS/ES" }, true],
  ["neither", { source: "aws.cloudwatch", metricName: "NetworkIn", namespace: "AWS/S3" }, false],
  ["right alternative, wrong source", { source: "aws.ec2", metricName: "CPUUtilization" }, false],
]);
group(RULER, "The \"$or\" Primitive: parallel Or", {
  $or: [{ metricName: ["CPUUtilization", "ReadLatency"] }, { namespace: ["AWS/EC2", "AWS/ES"] }],
  detail: { $or: [{ source: ["aws.cloudwatch"] }, { "detail-type": ["CloudWatch Alarm State Change"] }] },
}, [
  ["one of each", { metricName: "ReadLatency", detail: { "detail-type": "CloudWatch Alarm State Change" } }, true],
  ["only the first Or holds", { metricName: "ReadLatency", detail: { source: "aws.ec2" } }, false],
  ["only the second Or holds", { namespace: "AWS/S3", detail: { source: "aws.cloudwatch" } }, false],
]);
group(RULER, "The \"$or\" Primitive: Or with an And inside", {
  source: ["aws.cloudwatch"],
  $or: [
    { metricName: ["CPUUtilization", "ReadLatency"] },
    { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"] },
    { scope: ["Service"] },
  ],
}, [
  ["metricType and namespace", { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/EC2" }, true],
  ["metricType alone", { source: "aws.cloudwatch", metricType: "MetricType" }, false],
  ["scope", { source: "aws.cloudwatch", scope: "Service" }, true],
]);
group(RULER, "The \"$or\" Primitive: nested Or and And", {
  source: ["aws.cloudwatch"],
  $or: [
    { metricName: ["CPUUtilization", "ReadLatency"] },
    { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
    { scope: ["Service"] },
  ],
}, [
  ["inner Or by metricId", { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/ES", metricId: 1234 }, true],
  ["inner Or by spaceId", { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/ES", spaceId: 1000 }, true],
  ["inner Or unmet", { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/ES", metricId: 1 }, false],
]);
group(FILTERING, "$or over numeric conditions", {
  detail: {
    $or: [
      { "c-count": [{ numeric: [">", 0, "<=", 5] }] },
      { "d-count": [{ numeric: ["<", 10] }] },
      { "x-limit": [{ numeric: ["=", 3.018e2] }] },
    ],
  },
}, [
  ["all three hold", RULER_EVENT, true],
  ["only d-count holds", { detail: { "c-count": 50, "d-count": 3, "x-limit": 1 } }, true],
  ["none hold", { detail: { "c-count": 50, "d-count": 30, "x-limit": 1 } }, false],
]);
group(RULER, "The \"$or\" Primitive: Or nested under a field", { source: ["aws.cloudwatch"], detail: { $or: [{ a: ["1"] }, { b: ["2"] }] } }, [
  ["b under detail", { source: "aws.cloudwatch", detail: { b: "2" } }, true],
  ["b at the top level is not under detail", { source: "aws.cloudwatch", b: "2" }, false],
]);

group(RULER, "The backward compatibility of using \"$or\" as field name in the rule", {
  source: ["aws.cloudwatch"],
  $or: { metricType: ["MetricType"], namespace: ["AWS/EC2", "AWS/ES"] },
}, [
  ["\"$or\" is an ordinary field of the event", { source: "aws.cloudwatch", $or: { metricType: "MetricType", namespace: "AWS/EC2" } }, true],
  ["the fields at the top level do not count", { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/EC2" }, false],
]);

// ---- Keys with dots ------------------------------------------------------------------

group(RULER, "Caveat: compiled rules and JSON keys with dots (nested rule)", { detail: { state: { status: ["running"] } } }, [
  ["nested event", { detail: { state: { status: "running" } } }, true],
  ["dotted event key", { detail: { "state.status": "running" } }, true],
]);
group(RULER, "Caveat: compiled rules and JSON keys with dots (dotted rule)", { detail: { "state.status": ["running"] } }, [
  ["nested event", { detail: { state: { status: "running" } } }, true],
  ["dotted event key", { detail: { "state.status": "running" } }, true],
  ["other value", { detail: { state: { status: "stopped" } } }, false],
]);

// ---- The summary table of comparison operators ---------------------------------------

const PERSON = { Location: "New York", Day: "Monday", Name: "Alice", LastName: "", UserID: null, Price: 100 };
group(OPERATORS, "And", { Location: ["New York"], Day: ["Monday"] }, [
  ["both hold", PERSON, true],
  ["only Location holds", { ...PERSON, Day: "Tuesday" }, false],
]);
group(OPERATORS, "Or (values)", { PaymentType: ["Credit", "Debit"] }, [
  ["Credit", { PaymentType: "Credit" }, true],
  ["Debit", { PaymentType: "Debit" }, true],
  ["Cash", { PaymentType: "Cash" }, false],
]);
group(OPERATORS, "Or ($or)", { $or: [{ Location: ["New York"] }, { Day: ["Monday"] }] }, [
  ["Location only", { Location: "New York", Day: "Friday" }, true],
  ["Day only", { Location: "Paris", Day: "Monday" }, true],
  ["neither", { Location: "Paris", Day: "Friday" }, false],
]);
group(OPERATORS, "Anything-but (begins with)", { Region: [{ "anything-but": { prefix: "us-" } }] }, [
  ["eu-west-1", { Region: "eu-west-1" }, true],
  ["us-east-1", { Region: "us-east-1" }, false],
]);
group(OPERATORS, "Anything-but (ends with)", { FileName: [{ "anything-but": { suffix: ".png" } }] }, [
  ["photo.jpg", { FileName: "photo.jpg" }, true],
  ["photo.png", { FileName: "photo.png" }, false],
]);
group(OPERATORS, "Anything-but list", { Weather: [{ "anything-but": ["Raining"] }] }, [
  ["Sunny", { Weather: "Sunny" }, true],
  ["Raining", { Weather: "Raining" }, false],
]);
group(OPERATORS, "Begins with", { Region: [{ prefix: "us-" }] }, [
  ["us-west-2", { Region: "us-west-2" }, true],
  ["ca-central-1", { Region: "ca-central-1" }, false],
]);
group(OPERATORS, "Begins with (ignore case)", { service: [{ prefix: { "equals-ignore-case": "eventb" } }] }, [
  ["EventBridge", { service: "EventBridge" }, true],
  ["Lambda", { service: "Lambda" }, false],
]);
group(OPERATORS, "Ends with (ignore case)", { service: [{ suffix: { "equals-ignore-case": "tbridge" } }] }, [
  ["EventBridge", { service: "EventBridge" }, true],
  ["EVENTBRIDGE", { service: "EVENTBRIDGE" }, true],
  ["EventBus", { service: "EventBus" }, false],
]);
group(OPERATORS, "Empty", { LastName: [""] }, [
  ["empty", PERSON, true],
  ["Smith", { ...PERSON, LastName: "Smith" }, false],
]);
group(OPERATORS, "Equals", { Name: ["Alice"] }, [
  ["Alice", PERSON, true],
  ["alice", { ...PERSON, Name: "alice" }, false],
]);
group(OPERATORS, "Equals (ignore case)", { Name: [{ "equals-ignore-case": "alice" }] }, [
  ["Alice", PERSON, true],
  ["ALICE", { ...PERSON, Name: "ALICE" }, true],
  ["Alicia", { ...PERSON, Name: "Alicia" }, false],
]);
group(OPERATORS, "Exists", { ProductName: [{ exists: true }] }, [
  ["present", { ProductName: "Widget" }, true],
  ["absent", { Product: "Widget" }, false],
]);
group(OPERATORS, "Does not exist", { ProductName: [{ exists: false }] }, [
  ["present", { ProductName: "Widget" }, false],
  ["absent", { Product: "Widget" }, true],
]);
group(OPERATORS, "Null", { UserID: [null] }, [
  ["null", PERSON, true],
  ["absent", { Name: "Alice" }, false],
]);
group(OPERATORS, "Numeric (equals)", { Price: [100] }, [
  ["100", PERSON, true],
  ["100.0", { Price: 100.0 }, true],
  ["101", { Price: 101 }, false],
]);
group(OPERATORS, "Wildcard", { FileName: [{ wildcard: "dir/*.png" }] }, [
  ["dir/a.png", { FileName: "dir/a.png" }, true],
  ["dir/a.gif", { FileName: "dir/a.gif" }, false],
]);

export const DOC_CASES: readonly MatchCase[] = cases;
