// The compiled part of Asio (with its TLS streams) and Beast, once for the whole program.
// Every target that includes them links settled_asio, whose PUBLIC definitions
// BOOST_ASIO_SEPARATE_COMPILATION and BOOST_BEAST_SEPARATE_COMPILATION make their headers
// declare these functions instead of defining them inline in each file: about a quarter of an
// adapter file's compile time (docs/building.md).
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
