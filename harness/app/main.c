// SPDX-License-Identifier: MIT
#include "app.h"

int main(int argc, char **argv)
{
	return iso_app_main(argc, argv);
}
