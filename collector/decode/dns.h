// DNS servers: BIND (named), Unbound and NSD.
#pragma once

#include <string_view>

#include "collector/decode/event.h"

namespace soc {

// Decodes the syslog MSG of a DNS server ("named", "unbound", "nsd"). Sets service.name,
// event.category "network", source.ip / source.port, dns.question.name / dns.question.type and
// event.action / event.outcome / event.reason:
//   named    [CATEGORY: ][SEVERITY: ]client [@0x...] IP#PORT[ (NAME)]: [view V: ]
//              query [(cache)] 'NAME/TYPE/CLASS' denied[ (REASON)]   dns_query, failure, denied
//              zone transfer 'ZONE/AXFR/IN' denied                dns_zone_transfer, failure
//              bad zone transfer request: 'ZONE/IN': ...          dns_zone_transfer, failure
//              update 'ZONE/IN' denied                             dns_update, failure
//              query: NAME CLASS TYPE ...  (query logging)         dns_query, success
//              transfer of 'ZONE/IN': AXFR started                 dns_zone_transfer, success
//   unbound  refused query from ip4|ip6 IP port N ...              dns_query, failure, denied
//            IP NAME. TYPE CLASS[ RCODE ...] (log-queries / log-replies; REFUSED is a failure)
//            ratelimit exceeded NAME ... / ip_ratelimit ...       dns_ratelimit, failure
//   nsd      ratelimit block NAME type T target CIDR query IP ... dns_ratelimit, failure
//            axfr for [zone ]ZONE from [client ]IP refused, ...  dns_zone_transfer, failure
bool decode_dns(std::string_view program, std::string_view msg, Fields& f);

// A line of BIND's own log file ("11-Aug-2013 03:36:11.372 [CATEGORY: ]SEVERITY: client ..."),
// of NSD's ("[1387288694] nsd[7745]: info: ..." or "[2021-03-05 05:25:14.562] nsd[..]: ..."),
// or a syslog MSG whose tag is BIND's category ("security: info: client ..."). Sets
// process.name as well.
bool decode_dns_file_line(std::string_view line, Fields& f);

}  // namespace soc
