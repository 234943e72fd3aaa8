#include "adapters/stripe/stripe_endpoint.hpp"

#include "adapters/stripe/stripe_client.hpp"

#include <gtest/gtest.h>

namespace settled::adapters {
namespace {

TEST(StripeEndpoint, HttpsWithDefaultsPortAndPrefix) {
  auto e = parse_stripe_endpoint("https://stripe.example");
  ASSERT_TRUE(e.ok());
  EXPECT_TRUE(e->tls);
  EXPECT_EQ(e->host, "stripe.example");
  EXPECT_EQ(e->port, 443);
  EXPECT_EQ(e->path_prefix, "");
  EXPECT_EQ(e->host_header, "stripe.example");
  // The client's default (Stripe's documented host) is a valid TLS endpoint.
  auto d = parse_stripe_endpoint(StripeClientOptions{}.api_base);
  ASSERT_TRUE(d.ok());
  EXPECT_TRUE(d->tls);
  EXPECT_EQ(d->port, 443);

  auto p = parse_stripe_endpoint("HTTPS://Proxy.Example:8443/stripe/");
  ASSERT_TRUE(p.ok());
  EXPECT_EQ(p->host, "proxy.example");
  EXPECT_EQ(p->port, 8443);
  EXPECT_EQ(p->path_prefix, "/stripe");
  EXPECT_EQ(p->host_header, "proxy.example:8443");
}

TEST(StripeEndpoint, PlainHttpOnlyOnLoopback) {
  auto local = parse_stripe_endpoint("http://127.0.0.1:12111");
  ASSERT_TRUE(local.ok());
  EXPECT_FALSE(local->tls);
  EXPECT_EQ(local->port, 12111);
  EXPECT_TRUE(parse_stripe_endpoint("http://localhost:1").ok());
  auto v6 = parse_stripe_endpoint("http://[::1]:99");
  ASSERT_TRUE(v6.ok());
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->host_header, "[::1]:99");

  auto remote = parse_stripe_endpoint("http://10.0.0.8:80");
  ASSERT_FALSE(remote.ok());
  EXPECT_NE(remote.error().message.find("https"), std::string::npos);
}

TEST(StripeEndpoint, RefusesWhatIsNotABaseUrl) {
  for (const char* bad :
       {"stripe.example", "ftp://stripe.example", "https://", "https://a:0", "https://a:70000",
        "https://a:12x", "https://u:p@a", "https://a/?x=1", "https://a/#f", "https://[::1"}) {
    EXPECT_FALSE(parse_stripe_endpoint(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace settled::adapters
