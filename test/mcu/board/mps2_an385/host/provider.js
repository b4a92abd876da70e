// The board's ECMA-419 host provider is what its device tree describes (mcdevicetree's mc/devicetree).
import device from "mc/devicetree";

export default device;
