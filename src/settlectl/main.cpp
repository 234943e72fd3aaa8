// settlectl: the admin CLI. The admin socket protocol arrives with the operations issue; until
// then settlectl only reports its version so the build and packaging are in place.

#include <cstring>
#include <iostream>

int main(int argc, char** argv) {
  if (argc > 1 &&
      (std::strcmp(argv[1], "--version") == 0 || std::strcmp(argv[1], "version") == 0)) {
    std::cout << "settlectl 0.1.0" << std::endl;
    return 0;
  }
  std::cerr << "settlectl: the admin commands are not implemented yet (see issue: Operations)"
            << std::endl;
  return 2;
}
