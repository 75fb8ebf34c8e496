// SPDX-License-Identifier: MIT
int iso_main(int argc, char **argv);

int main(int argc, char **argv)
{
	return iso_main(argc, argv);
}
