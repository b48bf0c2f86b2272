float twice() const { return 2 * getEnergy(); }
