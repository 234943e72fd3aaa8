#include "adapters/stripe/stripe_form.hpp"

#include <boost/json/parse.hpp>

#include <gtest/gtest.h>

#include <string>

namespace settled::adapters {
namespace {

std::string encode(const char* json_text) {
  auto encoded = encode_stripe_form(boost::json::parse(json_text));
  EXPECT_TRUE(encoded.ok()) << (encoded.ok() ? "" : encoded.error().message);
  return encoded.ok() ? *encoded : "";
}

TEST(StripeForm, EncodesThePaymentWorkflowParameters) {
  EXPECT_EQ(encode(R"({"amount":1000,"currency":"usd","payment_method":"pm_card_visa",
                       "confirm":true,"metadata":{"paymentId":"p-1","customerId":"c-9"}})"),
            "amount=1000&currency=usd&payment_method=pm_card_visa&confirm=true"
            "&metadata[paymentId]=p-1&metadata[customerId]=c-9");
}

TEST(StripeForm, ArraysAreIndexedAndNestDeeply) {
  EXPECT_EQ(encode(R"({"expand":["latest_charge","customer"]})"),
            "expand[0]=latest_charge&expand[1]=customer");
  EXPECT_EQ(encode(R"({"items":[{"price":"pr_1","quantity":2}],"a":{"b":{"c":false}}})"),
            "items[0][price]=pr_1&items[0][quantity]=2&a[b][c]=false");
}

TEST(StripeForm, ScalarsAsStripeExpectsThem) {
  EXPECT_EQ(encode(R"({"confirm":false,"n":-5,"big":18446744073709551615,"description":null})"),
            "confirm=false&n=-5&big=18446744073709551615&description=");
}

TEST(StripeForm, EmptyContainersSendNothing) {
  EXPECT_EQ(encode(R"({"metadata":{},"expand":[],"amount":1})"), "amount=1");
  EXPECT_EQ(encode("{}"), "");
}

TEST(StripeForm, PercentEncodesPerRfc3986) {
  EXPECT_EQ(encode(R"({"description":"Order #7: 2 × tea & cake = 100%","k":"a-b.c_d~e"})"),
            "description=Order%20%237%3A%202%20%C3%97%20tea%20%26%20cake%20%3D%20100%25"
            "&k=a-b.c_d~e");
  // Names are encoded too; only the structural brackets stay literal.
  EXPECT_EQ(encode(R"({"metadata":{"a b[c]":"x+y/z"}})"), "metadata[a%20b%5Bc%5D]=x%2By%2Fz");
  EXPECT_EQ(percent_encode(std::string("\x00\x7f\xff", 3)), "%00%7F%FF");
}

TEST(StripeForm, RefusesFloatsNamingTheParameter) {
  auto top = encode_stripe_form(boost::json::parse(R"({"amount":10.5,"currency":"usd"})"));
  ASSERT_FALSE(top.ok());
  EXPECT_EQ(top.error().code, ErrorCode::kInvalidAmount);
  EXPECT_NE(top.error().message.find("amount"), std::string::npos) << top.error().message;
  EXPECT_NE(top.error().message.find("minor units"), std::string::npos) << top.error().message;

  // A float that happens to be whole is refused as well: no silent conversions for money.
  EXPECT_FALSE(encode_stripe_form(boost::json::parse(R"({"amount":1000.0})")).ok());

  auto nested = encode_stripe_form(boost::json::parse(R"({"items":[{"price":"p","qty":1.5}]})"));
  ASSERT_FALSE(nested.ok());
  EXPECT_NE(nested.error().message.find("items[0][qty]"), std::string::npos)
      << nested.error().message;
}

TEST(StripeForm, RefusesNonObjects) {
  auto encoded = encode_stripe_form(boost::json::parse("[1,2]"));
  ASSERT_FALSE(encoded.ok());
  EXPECT_EQ(encoded.error().code, ErrorCode::kInvalidRequest);
}

}  // namespace
}  // namespace settled::adapters
